import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { tensorflowInstalled } from "../backends/index.js";
import { TrainingPool } from "../pool.js";
import type { BackendChoice } from "../protocol.js";
import { REFERENCE_MODELS, referenceTrial } from "../reference-models.js";
import type { ThroughputOutcome, ThroughputSettings } from "./throughput-task.js";

/**
 * npm run bench:train [-- --backends node,wasm --models 1,2 --batches 4 --runs 3 --out bench-results/train.json]
 *
 * Training images/s of each reference model (batch 128, Keras Adadelta) per backend,
 * on one thread and with one trial per thread on every core, after warm-up batches:
 * the median of several timed runs of a fixed number of batches. Prints a table and
 * writes JSON. The pure-JS cpu backend (< 2 images/s for Model1) only on request.
 */
const { values } = parseArgs({
  options: {
    backends: { type: "string" },
    models: { type: "string", default: "1,2,3,4,5,6" },
    warmup: { type: "string", default: "2" },
    batches: { type: "string", default: "4" },
    runs: { type: "string", default: "3" },
    out: { type: "string", default: "bench-results/train.json" },
  },
});
const settings: ThroughputSettings = {
  warmupBatches: Number(values.warmup),
  timedBatches: Number(values.batches),
  runs: Number(values.runs),
};
const models = values.models.split(",").map(Number);
const cores = availableParallelism();
const backends = values.backends ? (values.backends.split(",") as BackendChoice[]) : availableBackends();
const taskFile = new URL("./throughput-task.js", import.meta.url);

interface Row {
  backend: string;
  model: number;
  threads: number;
  images_per_s: number;
  runs: number[];
  peak_rss_mb: number;
}
const rows: Row[] = [];
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

for (const backend of backends) {
  for (const threads of [...new Set([1, cores])]) {
    const pool = new TrainingPool({ threads, backend, taskFile, shareDatasets: true });
    try {
      for (const model of models) {
        const trial = { ...referenceTrial(model), params: { bench: settings } };
        const outcomes = (await Promise.all(
          Array.from({ length: threads }, () => pool.train(trial, { onProgress: () => {} })),
        )) as ThroughputOutcome[];
        const perThread = outcomes.map((outcome) => median(outcome.imagesPerSecond));
        const row: Row = {
          backend: outcomes[0].backend,
          model,
          threads,
          images_per_s: Math.round(perThread.reduce((sum, value) => sum + value, 0)),
          runs: outcomes.flatMap((outcome) => outcome.imagesPerSecond.map(Math.round)),
          peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
        };
        rows.push(row);
        console.log(
          `${row.backend.padEnd(10)} model${model}  ${threads} thread(s)  ${String(row.images_per_s).padStart(5)} images/s  (runs ${row.runs.join(", ")})  peak RSS ${row.peak_rss_mb} MB`,
        );
      }
    } finally {
      await pool.close();
    }
  }
}

console.log(`\n| backend | threads | ${models.map((m) => `Model${m}`).join(" | ")} |`);
console.log(`|---|---|${models.map(() => "---|").join("")}`);
for (const backend of [...new Set(rows.map((row) => row.backend))]) {
  for (const threads of [...new Set(rows.map((row) => row.threads))]) {
    const cells = models.map(
      (model) =>
        rows.find((row) => row.backend === backend && row.threads === threads && row.model === model)?.images_per_s ??
        "-",
    );
    console.log(`| ${backend} | ${threads} | ${cells.join(" | ")} |`);
  }
}
console.log(
  `images/s at batch 128, median of ${settings.runs} runs of ${settings.timedBatches} batches after ${settings.warmupBatches} warm-up; with ${cores} threads, the sum over threads. Peak RSS is the whole process's so far.`,
);
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(
  values.out,
  `${JSON.stringify({ date: new Date().toISOString(), cores, settings, references: REFERENCE_MODELS.map((m) => ({ number: m.number, change: m.change })), rows }, null, 2)}\n`,
);
console.log(`wrote ${values.out}`);

/** tensorflow when tfjs-node is built, and wasm; the cpu backend only when asked for. */
function availableBackends(): BackendChoice[] {
  return tensorflowInstalled() ? ["tensorflow", "wasm"] : ["wasm"];
}
