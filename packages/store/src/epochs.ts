import type { EpochMetrics } from "@sweep/core";
import type { Queryable } from "./database.js";
import { sql } from "./sql.js";

/** An epoch row to upsert: the metrics, the trial and the attempt that measured them. */
export interface EpochUpsert extends EpochMetrics {
  trial_id: string;
  attempt: number;
}

/**
 * Upserts the rows as one jsonb parameter (a NaN that JSON turned into null is stored
 * as NaN); a row replaces an existing one only from a newer attempt. Returns the
 * `trialId:epoch` keys actually written.
 */
export async function upsertEpochs(db: Queryable, rows: readonly EpochUpsert[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const written = await db.query<{ trial_id: string; epoch: number }>(sql`
    INSERT INTO epochs (trial_id, epoch, loss, accuracy, val_loss, val_accuracy, duration_ms, images_per_s, attempt)
    SELECT r.trial_id, r.epoch, coalesce(r.loss, 'NaN'), coalesce(r.accuracy, 'NaN'), coalesce(r.val_loss, 'NaN'),
           coalesce(r.val_accuracy, 'NaN'), coalesce(r.duration_ms, 'NaN'), coalesce(r.images_per_s, 'NaN'), r.attempt
    FROM jsonb_to_recordset(${rows}::jsonb) AS r(trial_id text, epoch int, loss float8,
      accuracy float8, val_loss float8, val_accuracy float8, duration_ms float8, images_per_s float8, attempt int)
    ON CONFLICT (trial_id, epoch) DO UPDATE SET
      loss = excluded.loss, accuracy = excluded.accuracy, val_loss = excluded.val_loss,
      val_accuracy = excluded.val_accuracy, duration_ms = excluded.duration_ms,
      images_per_s = excluded.images_per_s, attempt = excluded.attempt, recorded_at = now()
    WHERE epochs.attempt < excluded.attempt
    RETURNING trial_id, epoch`);
  return new Set(written.map((row) => `${row.trial_id}:${row.epoch}`));
}

/**
 * Deletes each trial's rows after `afterEpoch` written by an attempt older than
 * `attempt` (a resumed attempt redoes them); returns the trial id of each row dropped.
 */
export async function deleteEpochsAfterResume(
  db: Queryable,
  cuts: readonly { id: string; afterEpoch: number; attempt: number }[],
): Promise<string[]> {
  const dropped = await db.query<{ trial_id: string }>(sql`
    DELETE FROM epochs e USING jsonb_to_recordset(${cuts}::jsonb)
      AS c(id text, "afterEpoch" int, attempt int)
    WHERE e.trial_id = c.id AND e.epoch > c."afterEpoch" AND e.attempt < c.attempt
    RETURNING e.trial_id`);
  return dropped.map((row) => row.trial_id);
}

/** A trial's loss and val_loss at one epoch. */
export interface EpochLoss extends Record<string, unknown> {
  trial_id: string;
  epoch: number;
  loss: number;
  val_loss: number;
}

/** The losses of every epoch of the trials, by trial then epoch. */
export function epochLosses(db: Queryable, trialIds: readonly string[]): Promise<EpochLoss[]> {
  return db.query<EpochLoss>(sql`
    SELECT trial_id, epoch, loss, val_loss FROM epochs
    WHERE trial_id = ANY(${[...trialIds]}::text[]) ORDER BY trial_id, epoch`);
}

/**
 * Inserts new epoch rows, one array parameter per column (no JSON to parse): for
 * writing many rows at once, where no row exists yet (the benchmarks' seeding).
 */
export async function insertEpochRows(db: Queryable, rows: readonly EpochUpsert[]): Promise<void> {
  if (rows.length === 0) return;
  const column = <K extends keyof EpochUpsert>(key: K) => rows.map((row) => row[key]);
  await db.query(sql`
    INSERT INTO epochs (trial_id, epoch, loss, accuracy, val_loss, val_accuracy, duration_ms, images_per_s, attempt)
    SELECT * FROM unnest(${column("trial_id")}::text[], ${column("epoch")}::int[], ${column("loss")}::float8[],
      ${column("accuracy")}::float8[], ${column("val_loss")}::float8[], ${column("val_accuracy")}::float8[],
      ${column("duration_ms")}::float8[], ${column("images_per_s")}::float8[], ${column("attempt")}::int[])`);
}
