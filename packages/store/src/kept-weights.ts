import type { KeptKind, KeptWeightsRecord } from "@sweep/core";
import type { Queryable } from "./database.js";
import { sql } from "./sql.js";

/** A row of `kept_weights`: what one trial kept of one kind (see the table in schema.ts). */
export interface KeptWeightsListing extends Record<string, unknown> {
  trial_id: string;
  kind: KeptKind;
  epoch: number;
  size_bytes: number;
  stored: boolean;
  note: string | null;
}

/**
 * Records what finished trials kept, one statement for a batch. A repeated record of
 * the same trial and kind replaces the earlier one (a redelivered outcome event).
 */
export async function recordKeptWeights(
  db: Queryable,
  records: readonly (KeptWeightsRecord & { trialId: string })[],
): Promise<void> {
  if (records.length === 0) return;
  const rows = records.map(({ trialId, kind, epoch, size, stored, note }) => ({
    trial_id: trialId,
    kind,
    epoch,
    size_bytes: size,
    stored,
    note: note ?? null,
  }));
  await db.query(sql`
    INSERT INTO kept_weights (trial_id, kind, epoch, size_bytes, stored, note)
    SELECT r.trial_id, r.kind, r.epoch, r.size_bytes, r.stored, r.note
    FROM jsonb_to_recordset(${rows}::jsonb) AS r(trial_id text, kind text, epoch int, size_bytes int8,
      stored boolean, note text)
    ON CONFLICT (trial_id, kind) DO UPDATE SET epoch = excluded.epoch, size_bytes = excluded.size_bytes,
      stored = excluded.stored, note = excluded.note, kept_at = now()`);
}

/** What a trial kept, best before last. */
export function trialKeptWeights(db: Queryable, trialId: string): Promise<KeptWeightsListing[]> {
  return db.query<KeptWeightsListing>(sql`
    SELECT trial_id, kind, epoch, size_bytes::float8 AS size_bytes, stored, note
    FROM kept_weights WHERE trial_id = ${trialId} ORDER BY kind`);
}

/** Every kept weights row of a sweep's trials, by trial then kind. */
export function sweepKeptWeights(db: Queryable, sweepId: string): Promise<KeptWeightsListing[]> {
  return db.query<KeptWeightsListing>(sql`
    SELECT k.trial_id, k.kind, k.epoch, k.size_bytes::float8 AS size_bytes, k.stored, k.note
    FROM kept_weights k JOIN trials t ON t.id = k.trial_id
    WHERE t.sweep_id = ${sweepId} ORDER BY t.ordinal, k.kind`);
}

/** A stored kept weights file of a trial placed beyond a sweep's `keep_top`. */
export interface KeptBeyondTop extends Record<string, unknown> {
  trial_id: string;
  kind: KeptKind;
  epoch: number;
  /** 1-based place among the sweep's finished trials with kept weights, by the metric toward its goal. */
  place: number;
}

/**
 * The stored kept weights of the sweep's finished (completed or pruned) trials placed
 * beyond `top` among those with kept weights, by `trial_ranking`'s metric value toward
 * the goal (ties by ordinal; a trial without a value last). A finished trial's place
 * only grows as others finish, so a dropped trial never comes back into the top.
 */
export function keptBeyondTop(db: Queryable, sweepId: string, top: number): Promise<KeptBeyondTop[]> {
  return db.query<KeptBeyondTop>(sql`
    WITH finished AS (
      SELECT r.trial_id, (row_number() OVER (
        ORDER BY CASE WHEN r.metric_goal = 'maximize' THEN -r.metric_value ELSE r.metric_value END ASC NULLS LAST,
          r.ordinal))::int AS place
      FROM trial_ranking r
      WHERE r.sweep_id = ${sweepId} AND r.status IN ('completed', 'pruned')
        AND EXISTS (SELECT 1 FROM kept_weights k WHERE k.trial_id = r.trial_id)
    )
    SELECT k.trial_id, k.kind, k.epoch, f.place FROM kept_weights k JOIN finished f ON f.trial_id = k.trial_id
    WHERE k.stored AND f.place > ${top} ORDER BY f.place, k.kind`);
}

/** Marks kept weights as no longer stored, each with its note (why they were dropped). */
export async function markKeptDropped(
  db: Queryable,
  rows: readonly { trial_id: string; kind: KeptKind; note: string }[],
): Promise<void> {
  if (rows.length === 0) return;
  await db.query(sql`
    UPDATE kept_weights k SET stored = false, note = d.note
    FROM jsonb_to_recordset(${rows}::jsonb) AS d(trial_id text, kind text, note text)
    WHERE k.trial_id = d.trial_id AND k.kind = d.kind`);
}
