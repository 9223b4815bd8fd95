import {
  compileLayers,
  DEFAULT_OVERFIT_RULE,
  datasetSchema,
  detectOverfit,
  modelSchema,
  type TrialSpec,
  trainingSchema,
} from "@sweep/core";
import {
  analyzeSweepTables,
  createSweep,
  insertEpochRows,
  recordHeartbeat,
  refreshSweepStatus,
  refreshTrialSummaries,
  type SweepDatabase,
  type TrialWrite,
  writeTrials,
} from "@sweep/store";
import type { SyntheticTrial } from "./synthetic-sweep.js";

/** A worker heartbeat; `silentForMs` back-dates it. */
export interface SeedWorker {
  id: string;
  host: string;
  threads: number;
  backend: string;
  imagesPerS: number;
  silentForMs: number;
}

export interface SeedRequest {
  sweepId: string;
  sweepName: string;
  trials: readonly SyntheticTrial[];
  workers?: readonly SeedWorker[];
  /** The sweep's stored config; default `{ name: sweepName }`. */
  config?: unknown;
}

/** Trials written per transaction: their epoch rows go in one statement. */
const TRIALS_PER_BATCH = 2_000;

/**
 * Writes a sweep through the storage layer's statements: `createSweep` with one
 * reference Model1 trial spec per synthetic trial, then, a batch of trials per
 * transaction, their epoch rows in bulk (`insertEpochRows`), their outcome with the
 * best and overfit epochs of core's `detectOverfit` (`writeTrials`, as the recorder
 * writes them) and their summaries (`refreshTrialSummaries`, the recorder's), then the
 * sweep's status, the tables' statistics (`analyzeSweepTables`, as autovacuum would after
 * a bulk load) and the workers' heartbeats. 100,000 trials × 20 epochs take well
 * under a minute, where recording their 2.2 M events one batch at a time took minutes.
 */
export async function seedSweep(
  db: SweepDatabase,
  { sweepId, sweepName, trials, workers = [], config }: SeedRequest,
): Promise<void> {
  const model = modelSchema.parse({});
  const layers = compileLayers(model);
  const dataset = datasetSchema.parse({});
  const specs: TrialSpec[] = trials.map((t) => ({
    id: `${sweepId}-t${String(t.ordinal).padStart(3, "0")}`,
    sweepId,
    ordinal: t.ordinal,
    name: t.name,
    key: `${sweepId}-${t.ordinal}`,
    params: t.params,
    model,
    layers,
    training: trainingSchema.parse({ epochs: t.epochsPlanned }),
    dataset,
  }));
  await createSweep(
    db,
    { id: sweepId, name: sweepName, config: config ?? { name: sweepName }, configHash: sweepId },
    specs,
  );

  const at = new Date();
  for (let start = 0; start < trials.length; start += TRIALS_PER_BATCH) {
    const batch = trials.slice(start, start + TRIALS_PER_BATCH).flatMap((t, i) => {
      const id = (specs[start + i] as TrialSpec).id;
      return t.status === "queued" ? [] : [{ id, trial: t }];
    });
    await db.transaction(async (tx) => {
      await insertEpochRows(
        tx,
        batch.flatMap(({ id, trial }) => trial.epochs.map((metrics) => ({ ...metrics, trial_id: id, attempt: 1 }))),
      );
      await writeTrials(
        tx,
        batch.map(({ id, trial }) => recordedTrial(id, trial, at)),
      );
      await refreshTrialSummaries(
        tx,
        batch.map(({ id }) => id),
      );
    });
  }
  await refreshSweepStatus(db, [sweepId]);
  await analyzeSweepTables(db);

  for (const w of workers) {
    await recordHeartbeat(db, {
      id: w.id,
      host: w.host,
      pid: 1,
      threads: w.threads,
      backend: w.backend,
      trials: [],
      images_per_s: w.imagesPerS,
      at: new Date(Date.now() - w.silentForMs).toISOString(),
      status: "running",
    });
  }
}

/** A seeded trial as the recorder leaves it after its started, epoch and completed events (attempt 1). */
function recordedTrial(id: string, trial: SyntheticTrial, at: Date): TrialWrite {
  const analysis = detectOverfit(trial.epochs, DEFAULT_OVERFIT_RULE);
  const completed = trial.status === "completed";
  return {
    id,
    status: trial.status,
    attempt: 1,
    worker: "seed",
    backend: "wasm",
    paramCount: 1_199_882,
    bestValLoss: analysis.bestValLoss,
    bestEpoch: analysis.bestEpoch,
    overfitEpoch: analysis.overfitEpoch,
    testLoss: completed ? 0.03 : null,
    testAccuracy: completed ? (trial.testAccuracy ?? 0) : null,
    testWeights: completed ? "last" : null,
    testEpoch: completed ? trial.epochs.length : null,
    error: null,
    startedAt: at,
    finishedAt: completed ? at : null,
    durationMs: completed ? 1 : null,
  };
}
