import type { KeptKind, Layer, ModelSpec, TrialStatus } from "@sweep/core";
import type { Queryable } from "./database.js";
import { sql } from "./sql.js";

/** One recorded epoch of a trial, as the dashboard and plots draw it. */
export interface TrialEpoch extends Record<string, unknown> {
  trial_id: string;
  epoch: number;
  loss: number;
  val_loss: number;
  val_accuracy: number;
  duration_ms: number;
}

/** The recorded epochs of `trialIds`, by trial then epoch. */
export function trialEpochs(db: Queryable, trialIds: readonly string[]): Promise<TrialEpoch[]> {
  return db.query<TrialEpoch>(sql`
    SELECT trial_id, epoch, loss, val_loss, val_accuracy, duration_ms
    FROM epochs WHERE trial_id = ANY(${[...trialIds]}::text[])
    ORDER BY trial_id, epoch`);
}

/** A trial's stored model: the spec as configured and its compiled layers. */
export interface TrialModel extends Record<string, unknown> {
  id: string;
  model: { spec: ModelSpec; layers: Layer[] };
}

/** The stored model of each of `trialIds`. */
export function trialModels(db: Queryable, trialIds: readonly string[]): Promise<TrialModel[]> {
  return db.query<TrialModel>(sql`SELECT id, model FROM trials WHERE id = ANY(${[...trialIds]}::text[])`);
}

/** What `sweep export` and `sweep predict` need of one trial. */
export interface TrialHeader extends Record<string, unknown> {
  id: string;
  sweep_id: string;
  sweep_name: string;
  ordinal: number;
  name: string;
  status: TrialStatus;
  params: Record<string, unknown>;
  model: { spec: ModelSpec; layers: Layer[] };
  test_loss: number | null;
  test_accuracy: number | null;
  /** Which weights the test figures are of, and their epoch (see `trial_ranking`). */
  test_weights: KeptKind | null;
  test_epoch: number | null;
}

/** The trial with exactly this id, or undefined. */
export async function trialHeader(db: Queryable, trialId: string): Promise<TrialHeader | undefined> {
  const [row] = await db.query<TrialHeader>(sql`
    SELECT t.id, t.sweep_id, s.name AS sweep_name, t.ordinal, t.name, t.status, t.params, t.model,
      t.test_loss, t.test_accuracy, t.test_weights, t.test_epoch
    FROM trials t JOIN sweeps s ON s.id = t.sweep_id WHERE t.id = ${trialId}`);
  return row;
}

/** A trial's params and best val_loss, as a report's parameter effects weigh them. */
export interface TrialScore extends Record<string, unknown> {
  params: Record<string, unknown>;
  best_val_loss: number | null;
}

/** Every trial's params and best val_loss, in rank order: the narrow read a report summarises a huge sweep from. */
export function trialScores(db: Queryable, sweepId: string): Promise<TrialScore[]> {
  return db.query<TrialScore>(sql`
    SELECT params, best_val_loss FROM trials WHERE sweep_id = ${sweepId} ORDER BY rank_key ASC NULLS LAST, ordinal`);
}
