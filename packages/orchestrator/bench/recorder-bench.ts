import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import {
  datasetSchema,
  MESSAGE_VERSION,
  modelSchema,
  type TrialEvent,
  type TrialSpec,
  trainingSchema,
} from "@sweep/core";
import { createSweep, type DatabaseTarget, openDatabase, recordEvents } from "@sweep/store";
import postgres from "postgres";
import { syntheticTrialRows } from "./synthetic-sweep.js";

/**
 * `npm run bench:recorder [-- --db postgres://…] [--trials N] [--epochs N] [--batches 1,100,500]`:
 * feeds a sweep's events (started, every epoch, completed; `--concurrent` trials
 * interleaved as workers would produce them) through `recordEvents` in batches of
 * each size and prints epoch rows recorded per second. Without --db it uses a PGlite
 * store in a temp directory; with a server URL it creates its own database there and
 * drops it after.
 */
const { values } = parseArgs({
  options: {
    db: { type: "string" },
    trials: { type: "string", default: "200" },
    epochs: { type: "string", default: "20" },
    concurrent: { type: "string", default: "8" },
    batches: { type: "string", default: "1,100,500" },
  },
});
const trialCount = Number(values.trials);
const epochCount = Number(values.epochs);
const concurrent = Number(values.concurrent);
const batchSizes = (values.batches ?? "").split(",").map(Number);

const { target, cleanup } = await benchTarget(values.db);
const database = await openDatabase(target);
try {
  console.log(`recorder on ${database.kind}: ${trialCount} trials × ${epochCount} epochs, ${concurrent} interleaved`);
  for (const batchSize of batchSizes) {
    const sweepId = `bench-rec-${randomBytes(3).toString("hex")}`;
    const specs = trialSpecs(sweepId);
    await createSweep(database, { id: sweepId, name: sweepId, config: {}, configHash: "bench" }, specs);
    const events = sweepEvents(specs);
    const started = performance.now();
    for (let start = 0; start < events.length; start += batchSize) {
      await recordEvents(database, events.slice(start, start + batchSize));
    }
    const seconds = (performance.now() - started) / 1000;
    const rows = trialCount * epochCount;
    console.log(
      `batch ${String(batchSize).padStart(4)}: ${rows} epoch rows (${events.length} events) in ${seconds.toFixed(2)} s = ${Math.round(rows / seconds)} epoch rows/s`,
    );
  }
} finally {
  await database.close();
  await cleanup();
}

function trialSpecs(sweepId: string): TrialSpec[] {
  const model = modelSchema.parse({});
  return Array.from({ length: trialCount }, (_, ordinal) => ({
    id: `${sweepId}-t${String(ordinal).padStart(3, "0")}`,
    sweepId,
    ordinal,
    name: `variant-${ordinal + 1}`,
    key: `${sweepId}-${ordinal}`,
    params: { "model.pool.size": 2 + (ordinal % 3) },
    model,
    layers: [],
    training: trainingSchema.parse({ epochs: epochCount }),
    dataset: datasetSchema.parse({}),
  }));
}

/** Groups of `concurrent` trials train side by side: their events interleave epoch by epoch. */
function sweepEvents(specs: TrialSpec[]): TrialEvent[] {
  const curves = syntheticTrialRows({ trials: specs.length, epochs: epochCount });
  const events: TrialEvent[] = [];
  const at = new Date().toISOString();
  const base = (trial: TrialSpec): Omit<Extract<TrialEvent, { type: "epoch" }>, "type" | "metrics"> => ({
    v: MESSAGE_VERSION,
    sweepId: trial.sweepId,
    trialId: trial.id,
    attempt: 1,
    at,
  });
  for (let group = 0; group < specs.length; group += concurrent) {
    const running = specs.slice(group, group + concurrent);
    for (const trial of running) {
      events.push({
        ...base(trial),
        type: "started",
        worker: "bench",
        backend: "cpu",
        paramCount: 1,
        resumeFromEpoch: 0,
      });
    }
    for (let epoch = 0; epoch < epochCount; epoch++) {
      for (const trial of running) {
        const metrics = curves[trial.ordinal]?.epochs[epoch];
        if (metrics) events.push({ ...base(trial), type: "epoch", metrics });
      }
    }
    for (const trial of running) {
      events.push({ ...base(trial), type: "completed", test_loss: 0.03, test_accuracy: 0.99, duration_ms: 1 });
    }
  }
  return events;
}

async function benchTarget(url: string | undefined): Promise<{ target: DatabaseTarget; cleanup: () => Promise<void> }> {
  if (url === undefined) {
    const dir = await mkdtemp(path.join(tmpdir(), "sweep-bench-recorder-"));
    return { target: { embeddedDir: dir }, cleanup: () => rm(dir, { recursive: true, force: true }) };
  }
  const name = `sweep_bench_${randomBytes(4).toString("hex")}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const benchUrl = new URL(url);
  benchUrl.pathname = `/${name}`;
  return {
    target: { url: benchUrl.toString() },
    cleanup: async () => {
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
