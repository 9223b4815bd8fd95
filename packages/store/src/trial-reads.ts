import type { Layer, ModelSpec } from "@sweep/core";
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
