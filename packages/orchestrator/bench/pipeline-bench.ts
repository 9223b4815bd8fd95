import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { jetstreamManager } from "@nats-io/jetstream";
import { parseSweepConfig } from "@sweep/core";
import { connectNats, deletePipeline, ensurePipeline, type PipelineNames, resolveNatsUrl } from "@sweep/protocol";
import { countSweepEpochs, openDatabase, openTrials, trialsPerWorker } from "@sweep/store";
import { SYNTHETIC_TASK } from "@sweep/worker/fixtures";
import postgres from "postgres";
import { launchSweep, planSweep } from "../dist/nats/launch.js";

/**
 * `npm run bench:pipeline [-- --trials 1000 --epochs 20 --workers 2 --threads 2 --warmup 1000]`:
 * end-to-end throughput of the distributed pipeline with the SYNTHETIC trainer
 * fixture (no real training): `sweep launch` (in this process), N `sweep worker`
 * processes and one `sweep serve` process, through NATS (private prefix) into a
 * fresh Postgres database (dropped after). A warm-up sweep of `--warmup` trials runs
 * first (its figure is printed too: freshly started processes); then prints trials/s
 * and epoch rows/s of the measured sweep, from its launch until its last trial is recorded.
 */
const { values } = parseArgs({
  options: {
    trials: { type: "string", default: "1000" },
    epochs: { type: "string", default: "20" },
    workers: { type: "string", default: "2" },
    threads: { type: "string", default: "2" },
    warmup: { type: "string", default: "1000" },
    nats: { type: "string" },
    batch: { type: "string" },
    "admin-db": { type: "string", default: "postgres://postgres@127.0.0.1:5432/postgres" },
  },
});
const trialCount = Number(values.trials);
const epochCount = Number(values.epochs);
const natsUrl = resolveNatsUrl(values.nats);
const sweepBin = fileURLToPath(new URL("../bin/sweep.js", import.meta.url));

const prefix = `bench${randomBytes(3).toString("hex")}`;
const databaseName = `sweep_bench_${randomBytes(4).toString("hex")}`;
const adminUrl = values["admin-db"] as string;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`CREATE DATABASE ${databaseName}`);
const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${databaseName}` }).href;
const database = await openDatabase({ url: databaseUrl });
const nc = await connectNats(natsUrl, "sweep-bench");
const children: ChildProcess[] = [];

/** CPU seconds (user + system) a process has used so far, from /proc (Linux only; NaN elsewhere). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}
/** CPU seconds of every child and of this process, to subtract start-up from the figures. */
const cpuNow = () => {
  const usage = process.cpuUsage();
  return [...children.map((child) => cpuSeconds(child.pid)), (usage.user + usage.system) / 1e6];
};
/** The machine's busy and total CPU time so far, from /proc/stat (Linux only). */
function machineCpu(): { busy: number; total: number } {
  try {
    const ticks = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "").trim().split(/\s+/).slice(1).map(Number);
    const total = ticks.reduce((sum, tick) => sum + tick, 0);
    return { busy: total - (ticks[3] ?? 0) - (ticks[4] ?? 0), total };
  } catch {
    return { busy: Number.NaN, total: Number.NaN };
  }
}

function startChild(args: string[], readyText: string): Promise<void> {
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
      sweepBin,
      ...args,
    ],
    {
      env: { ...process.env, SWEEP_NATS_PREFIX: prefix, NATS_URL: natsUrl, DATABASE_URL: databaseUrl },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  children.push(child);
  let output = "";
  return new Promise((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(readyText)) resolve();
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.once("exit", (code) => reject(new Error(`sweep ${args[0]} exited ${code}:\n${output}`)));
  });
}

/** A sweep of `count` synthetic trials (one per seed). */
function benchSweep(name: string, count: number) {
  const seeds = Array.from({ length: count }, (_, i) => i).join(", ");
  const config = parseSweepConfig(
    [
      `name: ${name}`,
      "model: { conv: [{ filters: 4 }], dense: [] }",
      `training: { epochs: ${epochCount} }`,
      'dataset: { source: "synthetic:epoch_ms=0" }',
      `parameters: { training.seed: { values: [${seeds}] } }`,
    ].join("\n"),
    "pipeline-bench.yaml",
  );
  return planSweep(config, true);
}

/** Launches a planned sweep through the running processes; times it until every trial is recorded. */
async function timedSweep(names: PipelineNames, { sweep, trials }: ReturnType<typeof benchSweep>) {
  const count = trials.length;
  const started = performance.now();
  await launchSweep(database, nc, names, sweep, trials);
  const launchedMs = performance.now() - started;
  const jsm = await jetstreamManager(nc);
  let trainedMs: number | undefined;
  // Polling is kept cheap (it shares the machine with what it measures): the epoch rows
  // are counted once, at the end.
  for (let finishedTrials = 0; finishedTrials < count; ) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (trainedMs === undefined) {
      const queue = await jsm.consumers.info(names.trialsStream, names.workersConsumer);
      if (queue.num_pending + queue.num_ack_pending === 0) trainedMs = performance.now() - started;
    }
    finishedTrials = count - (await openTrials(database, sweep.id)).length;
  }
  const seconds = (performance.now() - started) / 1000;
  const epochs = await countSweepEpochs(database, sweep.id);
  return { sweepId: sweep.id, launchedMs, trainedMs: trainedMs ?? 0, seconds, epochs };
}

try {
  const names = await ensurePipeline(nc, { prefix });
  const ready = [startChild(["serve", ...(values.batch ? ["--batch", values.batch] : [])], "recording")];
  for (let i = 0; i < Number(values.workers); i++) {
    ready.push(
      startChild(["worker", "--threads", values.threads as string, "--task", SYNTHETIC_TASK], "threads, backend"),
    );
  }
  await Promise.all(ready);
  console.log(
    `pipeline: ${trialCount} trials x ${epochCount} epochs, ${values.workers} worker processes x ${values.threads} threads, synthetic trainer`,
  );
  const warmupCount = Number(values.warmup);
  if (warmupCount > 0) {
    // Freshly started processes spend their first second or two compiling (V8's
    // optimizing compiler was 14% of a worker's CPU in a 3 s run); workers and the
    // recorder are long-lived, so the figures below are for warm processes.
    const warmup = await timedSweep(names, benchSweep("pipeline bench warm-up", warmupCount));
    console.log(
      `  warm-up sweep first (not counted): ${warmupCount} trials in ${warmup.seconds.toFixed(2)} s, ${(warmupCount / warmup.seconds).toFixed(0)} trials/s`,
    );
  }

  const planned = benchSweep("pipeline bench", trialCount);
  const cpuAtStart = cpuNow();
  const machineAtStart = machineCpu();
  const run = await timedSweep(names, planned);
  const machine = machineCpu();
  const workers = await trialsPerWorker(database, run.sweepId);
  console.log(`  launch (insert + publish): ${run.launchedMs.toFixed(0)} ms`);
  console.log(`  workers done (every trial message acked): ${(run.trainedMs / 1000).toFixed(2)} s`);
  console.log(`  end to end (every trial recorded): ${run.seconds.toFixed(2)} s`);
  console.log(`  trials/s: ${(trialCount / run.seconds).toFixed(0)}`);
  console.log(`  epoch rows/s: ${(run.epochs / run.seconds).toFixed(0)} (${run.epochs} rows)`);
  console.log(`  trials per worker: ${workers.map((w) => `${w.worker}=${w.trials}`).join(" ")}`);
  const cpu = cpuNow().map((seconds, i) => (seconds - (cpuAtStart[i] ?? 0)).toFixed(1));
  const [serve, ...rest] = cpu;
  const launcher = rest.pop();
  console.log(`  CPU seconds of the run: serve ${serve}, workers ${rest.join(" ")}, launch + polling ${launcher}`);
  const busy = (machine.busy - machineAtStart.busy) / (machine.total - machineAtStart.total);
  console.log(
    `  machine busy during the run: ${(busy * 100).toFixed(0)}% of ${availableParallelism()} cores (NATS and Postgres included)`,
  );
} finally {
  for (const child of children) {
    child.removeAllListeners("exit");
    child.kill("SIGTERM");
  }
  await Promise.all(children.map((child) => new Promise((resolve) => child.once("exit", resolve))));
  await deletePipeline(nc, prefix);
  await nc.drain();
  await database.close();
  await admin.unsafe(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
  await admin.end();
}
