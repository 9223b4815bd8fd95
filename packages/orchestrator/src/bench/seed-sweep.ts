import type { SqlReader } from "../dashboard/sql-reader.js";
import { analyseEpochsStandIn } from "../dashboard/stand-in-core.js";
import type { SyntheticTrial } from "./synthetic-sweep.js";

/** The reference study's Model1, as a trial row stores it. */
const MODEL = {
  spec: {
    input_shape: [28, 28, 1],
    conv: [
      { filters: 32, kernel: 3, strides: 1, padding: "valid", activation: "relu" },
      { filters: 64, kernel: 3, strides: 1, padding: "valid", activation: "relu" },
    ],
    pool: { type: "max", size: 2, padding: "valid" },
    conv_dropout: 0.25,
    dense: [128],
    dense_dropout: 0.5,
    classes: 10,
  },
  layers: [
    { kind: "conv2d", filters: 32, kernel: [3, 3], strides: [1, 1], padding: "valid", activation: "relu" },
    { kind: "conv2d", filters: 64, kernel: [3, 3], strides: [1, 1], padding: "valid", activation: "relu" },
    { kind: "pool2d", mode: "max", size: [2, 2], strides: [2, 2], padding: "valid" },
    { kind: "dropout", rate: 0.25 },
    { kind: "flatten" },
    { kind: "dense", units: 128, activation: "relu" },
    { kind: "dropout", rate: 0.5 },
    { kind: "dense", units: 10, activation: "softmax" },
  ],
};

/** A worker heartbeat row; `silentForMs` back-dates its last_seen. */
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
}

/**
 * Writes a sweep, its trials and their epochs as the recorder would store them
 * (best and overfit epochs analysed from the same epochs), plus worker heartbeats.
 * One statement per table (unnest over arrays), so 20,000 epochs insert in about a second.
 */
export async function seedSweep(
  db: SqlReader,
  { sweepId, sweepName, trials, workers = [] }: SeedRequest,
): Promise<void> {
  await db.query(
    `INSERT INTO sweeps (id, name, config, config_hash, status) VALUES ($1, $2, '{}'::jsonb, $1, 'running')`,
    [sweepId, sweepName],
  );
  const ids = trials.map((t) => `${sweepId}-t${String(t.ordinal).padStart(3, "0")}`);
  const analyses = trials.map((t) => (t.epochs.length === 0 ? null : analyseEpochsStandIn(t.epochs)));
  await db.query(
    `INSERT INTO trials (id, sweep_id, ordinal, name, key, params, model, status, epochs_planned,
                         best_val_loss, best_epoch, overfit_epoch, test_accuracy)
     SELECT id, $1, ordinal, name, id, params::jsonb, $2::jsonb, status, epochs_planned,
            best_val_loss, best_epoch, overfit_epoch, test_accuracy
     FROM unnest($3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::int[],
                 $9::float8[], $10::int[], $11::int[], $12::float8[])
       AS u(id, ordinal, name, params, status, epochs_planned, best_val_loss, best_epoch, overfit_epoch, test_accuracy)`,
    [
      sweepId,
      MODEL,
      ids,
      trials.map((t) => t.ordinal),
      trials.map((t) => t.name),
      trials.map((t) => JSON.stringify(t.params)),
      trials.map((t) => t.status),
      trials.map((t) => t.epochsPlanned),
      analyses.map((a) => a?.bestValLoss ?? null),
      analyses.map((a) => a?.bestEpoch ?? null),
      analyses.map((a) => a?.overfitEpoch ?? null),
      trials.map((t) => t.testAccuracy),
    ],
  );
  const epochs = trials.flatMap((t, i) => t.epochs.map((e) => ({ trialId: ids[i], ...e })));
  await db.query(
    `INSERT INTO epochs (trial_id, epoch, loss, accuracy, val_loss, val_accuracy, duration_ms, images_per_s, attempt)
     SELECT *, 1 FROM unnest($1::text[], $2::int[], $3::float8[], $4::float8[], $5::float8[], $6::float8[],
                             $7::float8[], $8::float8[])`,
    [
      epochs.map((e) => e.trialId),
      epochs.map((e) => e.epoch),
      epochs.map((e) => e.loss),
      epochs.map((e) => e.accuracy),
      epochs.map((e) => e.val_loss),
      epochs.map((e) => e.val_accuracy),
      epochs.map((e) => e.duration_ms),
      epochs.map((e) => e.images_per_s),
    ],
  );
  for (const w of workers) {
    await db.query(
      `INSERT INTO workers (id, host, pid, threads, backend, trials, images_per_s, status, last_seen)
       VALUES ($1, $2, 1, $3, $4, '[]'::jsonb, $5, 'running', now() - make_interval(secs => $6::float8 / 1000))`,
      [w.id, w.host, w.threads, w.backend, w.imagesPerS, w.silentForMs],
    );
  }
}
