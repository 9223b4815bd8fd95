import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { tensorflowInstalled } from "../dist/backends/index.js";
import { TrainingPool } from "../dist/pool.js";
import { type BackendChoice, parseBackendChoice } from "../dist/protocol.js";
import { REFERENCE_MODELS, referenceTrial, trialOf } from "../dist/reference-models.js";
import { measureKeras, printKerasComparison } from "./keras-comparison.js";
import type { ThroughputOutcome, ThroughputSettings } from "./throughput-task.js";

/**
 * npm run bench:train [-- --backends tensorflow,wasm --models 1,2,blocks --batches 4 --runs 3 --out bench-results/train.json
 *                        --keras python3]
 *
 * Training images/s of each reference model and of the block model (`blocks`: 2
 * blocks × [32, 32] → [64, 64] with BatchNormalization, max pool 2, a global average
 * pooling head; batch 128, Keras Adadelta) per backend,
 * on one thread and with one trial per thread on every core, after warm-up batches:
 * the median of several timed runs of a fixed number of batches. Each backend runs in
 * a process of its own, so its peak RSS is its own. Prints a table, the tensorflow ÷
 * wasm ratio and the speed-up of all threads over one, and writes JSON. The pure-JS
 * cpu backend (< 2 images/s for Model1) only on request. Each row also gives images
 * per second of the process's CPU time, which a busy machine disturbs less. With
 * `--keras <python>` it runs infra/keras-reference.py with that Python on the same
 * models before and after the backends, and prints the one-thread rows beside Keras.
 */
const { values } = parseArgs({
  options: {
    backends: { type: "string" },
    models: { type: "string", default: "1,2,3,4,5,6,blocks" },
    warmup: { type: "string", default: "2" },
    batches: { type: "string", default: "4" },
    runs: { type: "string", default: "3" },
    out: { type: "string", default: "bench-results/train.json" },
    keras: { type: "string" },
    /** Internal: measure one backend in this process and print its rows as JSON. */
    "rows-of": { type: "string" },
  },
});
const settings: ThroughputSettings = {
  warmupBatches: Number(values.warmup),
  timedBatches: Number(values.batches),
  runs: Number(values.runs),
};
const models = values.models.split(",");
const cores = availableParallelism();

interface Row {
  backend: string;
  model: string;
  threads: number;
  images_per_s: number;
  /** Images per second of the process's CPU time, summed over threads as images/s is. */
  images_per_cpu_s: number;
  runs: number[];
  /** The process's peak RSS after this row: its backend's rows so far, nothing else. */
  peak_rss_mb: number;
}
const ROWS_MARKER = "train-bench rows: ";

if (values["rows-of"] !== undefined) {
  const rows = await measure(parseBackendChoice(values["rows-of"]) ?? "wasm");
  console.log(`${ROWS_MARKER}${JSON.stringify(rows)}`);
} else {
  const backends = values.backends
    ? values.backends.split(",").map((name) => parseBackendChoice(name) ?? "wasm")
    : availableBackends();
  const load = loadavg()[0];
  const kerasBefore = values.keras ? measureKeras(values.keras, models) : undefined;
  const rows = backends.flatMap((backend) => measureInChild(backend));
  printTables(rows);
  if (values.keras && kerasBefore) {
    printKerasComparison([kerasBefore, measureKeras(values.keras, models)], rows, models, modelName);
  }
  console.log(
    `images/s at batch 128, median of ${settings.runs} runs of ${settings.timedBatches} batches after ${settings.warmupBatches} warm-up; with ${cores} threads, the sum over threads. Load average before the run ${load.toFixed(2)}, after ${loadavg()[0].toFixed(2)} (${cores} cores).`,
  );
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(
    values.out,
    `${JSON.stringify({ date: new Date().toISOString(), cores, settings, references: REFERENCE_MODELS.map((m) => ({ number: m.number, change: m.change })), rows }, null, 2)}\n`,
  );
  console.log(`wrote ${values.out}`);
}

/** Runs this script for one backend in a child process (progress lines pass through) and returns its rows. */
function measureInChild(backend: BackendChoice): Row[] {
  const args = [fileURLToPath(import.meta.url), "--rows-of", backend, "--models", values.models];
  args.push("--warmup", values.warmup, "--batches", values.batches, "--runs", values.runs);
  const output = execFileSync(process.execPath, args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const lines = output.trim().split("\n");
  for (const line of lines) if (!line.startsWith(ROWS_MARKER)) console.log(line);
  const marked = lines.find((line) => line.startsWith(ROWS_MARKER));
  return marked ? (JSON.parse(marked.slice(ROWS_MARKER.length)) as Row[]) : [];
}

async function measure(backend: BackendChoice): Promise<Row[]> {
  const rows: Row[] = [];
  const taskFile = new URL("./throughput-task.js", import.meta.url);
  const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
  for (const threads of [...new Set([1, cores])]) {
    const pool = new TrainingPool({ threads, backend, taskFile, shareDatasets: true });
    try {
      for (const model of models) {
        const trial = { ...benchTrial(model), params: { bench: settings } };
        const outcomes = (await Promise.all(
          Array.from({ length: threads }, () => pool.train(trial, { onProgress: () => {} })),
        )) as ThroughputOutcome[];
        const perThread = outcomes.map((outcome) => median(outcome.imagesPerSecond));
        const perCpu = outcomes.map((outcome) => median(outcome.imagesPerCpuSecond));
        const row: Row = {
          backend: outcomes[0].backend,
          model,
          threads,
          images_per_s: Math.round(perThread.reduce((sum, value) => sum + value, 0)),
          images_per_cpu_s: Math.round(perCpu.reduce((sum, value) => sum + value, 0)),
          runs: outcomes.flatMap((outcome) => outcome.imagesPerSecond.map(Math.round)),
          peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
        };
        rows.push(row);
        console.log(
          `${row.backend.padEnd(10)} ${modelName(model)}  ${threads} thread(s)  ${String(row.images_per_s).padStart(5)} images/s, ${String(row.images_per_cpu_s).padStart(5)} per CPU-second  (runs ${row.runs.join(", ")})  peak RSS ${row.peak_rss_mb} MB`,
        );
      }
    } finally {
      await pool.close();
    }
  }
  return rows;
}

function printTables(rows: Row[]): void {
  const cell = (backend: string, threads: number, model: string) =>
    rows.find((row) => row.backend === backend && row.threads === threads && row.model === model)?.images_per_s;
  const header = `| ${models.map(modelName).join(" | ")} |`;
  const rule = `|${models.map(() => "---|").join("")}`;
  const backendsSeen = [...new Set(rows.map((row) => row.backend))];
  const threadCounts = [...new Set(rows.map((row) => row.threads))];
  console.log(`\n| backend | threads ${header}\n|---|---${rule}`);
  for (const backend of backendsSeen) {
    for (const threads of threadCounts) {
      console.log(`| ${backend} | ${threads} | ${models.map((m) => cell(backend, threads, m) ?? "-").join(" | ")} |`);
    }
  }
  const ratio = (a: number | undefined, b: number | undefined) => (a && b ? (a / b).toFixed(2) : "-");
  console.log(`\n| ratio ${header}\n|---${rule}`);
  if (backendsSeen.includes("tensorflow") && backendsSeen.includes("wasm")) {
    for (const threads of threadCounts) {
      const ratios = models.map((m) => ratio(cell("tensorflow", threads, m), cell("wasm", threads, m)));
      console.log(`| tensorflow ÷ wasm, ${threads} thread(s) | ${ratios.join(" | ")} |`);
    }
  }
  const most = Math.max(...threadCounts);
  for (const backend of most > 1 ? backendsSeen : []) {
    const scaling = models.map((m) => ratio(cell(backend, most, m), cell(backend, 1, m)));
    console.log(`| ${backend}: ${most} threads ÷ 1 | ${scaling.join(" | ")} |`);
  }
  console.log(`\npeak RSS in MB of each backend's own process, after each model on ${most} threads:`);
  console.log(`| backend ${header}\n|---${rule}`);
  for (const backend of backendsSeen) {
    const rss = models.map(
      (m) => rows.find((r) => r.backend === backend && r.threads === most && r.model === m)?.peak_rss_mb,
    );
    console.log(`| ${backend} | ${rss.map((value) => value ?? "-").join(" | ")} |`);
  }
}

/** `1` → Model1; `blocks` stays. */
function modelName(model: string): string {
  return model === "blocks" ? "blocks" : `Model${model}`;
}

/** A reference model by number, or the block model. */
function benchTrial(model: string) {
  if (model !== "blocks") return referenceTrial(Number(model));
  const block = (filters: number) => ({
    conv: [{ filters }, { filters }],
    pool: { size: 2 },
    batch_norm: "before_activation" as const,
  });
  return trialOf("blocks", { blocks: [block(32), block(64)], head: "global_avg", dense: [] } as never);
}

/** tensorflow when tfjs-node is built, and wasm; the cpu backend only when asked for. */
function availableBackends(): BackendChoice[] {
  return tensorflowInstalled() ? ["tensorflow", "wasm"] : ["wasm"];
}
