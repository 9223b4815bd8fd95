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
