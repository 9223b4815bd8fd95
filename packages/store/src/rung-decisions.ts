import type { Queryable } from "./database.js";
import type { RungDecisionRow } from "./schema.js";
import { sql } from "./sql.js";
import { CHANGE_XID } from "./trial-summaries.js";

/** The first key of the search controller's advisory locks (`pg_advisory_xact_lock(key, hashtext(sweep))`). */
const DECISION_LOCK_KEY = 0x73776363;

/**
 * Serialises the search controller's decisions per sweep: a transaction-scoped advisory
 * lock for each sweep, taken in id order (so two recorders never deadlock) and released
 * at commit or rollback, also when the process holding it dies. Only deciders take it:
 * readers and the recording of other sweeps never wait on it. Take it before any row lock.
 */
export async function lockSweepDecisions(tx: Queryable, sweepIds: readonly string[]): Promise<void> {
  for (const sweepId of [...new Set(sweepIds)].sort()) {
    await tx.query(sql`SELECT pg_advisory_xact_lock(${DECISION_LOCK_KEY}, hashtext(${sweepId}))`);
  }
}

export type NewRungDecision = Pick<RungDecisionRow, "trialId" | "epoch" | "rung" | "action" | "reason">;

/**
 * Stores a decision unless the trial's rung was decided before, or the trial was pruned
 * at an earlier rung (one prune per trial: the epochs its worker sent before it stopped
 * decide nothing more), or it is a prune and the trial was pruned at a later rung (its
 * epochs came out of order: one held by a recorder that died comes back after the ack
 * wait, behind the later ones). Returns the decision that stands: the earlier prune,
 * else the one at this rung, else that later prune. A stored decision marks its trial
 * changed (`change_xid`): readers of changes read its decisions again.
 */
export async function recordRungDecision(tx: Queryable, decision: NewRungDecision): Promise<RungDecisionRow> {
  const { trialId, epoch } = decision;
  const pruning = decision.action === "prune";
  await tx.query(sql`
    WITH stored AS (
      INSERT INTO rung_decisions (trial_id, epoch, rung, action, reason)
      SELECT ${trialId}, ${epoch}, ${decision.rung}, ${decision.action}, ${decision.reason}
      WHERE NOT EXISTS (
        SELECT 1 FROM rung_decisions
        WHERE trial_id = ${trialId} AND action = 'prune' AND (epoch < ${epoch} OR ${pruning}::boolean))
      ON CONFLICT (trial_id, epoch) DO NOTHING
      RETURNING trial_id)
    UPDATE trials SET change_xid = ${CHANGE_XID} WHERE id IN (SELECT trial_id FROM stored)`);
  const [stored] = await tx.query<RungDecisionRow>(sql`
    SELECT trial_id AS "trialId", epoch, rung, action, reason, decided_at AS "decidedAt"
    FROM rung_decisions
    WHERE trial_id = ${trialId} AND (epoch = ${epoch} OR (action = 'prune' AND (epoch < ${epoch} OR ${pruning}::boolean)))
    ORDER BY epoch LIMIT 1`);
  return stored as RungDecisionRow;
}

/** Every rung decision of a sweep's trials, by trial ordinal and epoch (status, dashboard, report). */
export function sweepRungDecisions(db: Queryable, sweepId: string): Promise<RungDecisionRow[]> {
  return db.query<RungDecisionRow>(sql`
    SELECT d.trial_id AS "trialId", d.epoch, d.rung, d.action, d.reason, d.decided_at AS "decidedAt"
    FROM rung_decisions d JOIN trials t ON t.id = d.trial_id
    WHERE t.sweep_id = ${sweepId}
    ORDER BY t.ordinal, d.epoch`);
}

/** A prune decided for a trial that is still queued or running: a stop to carry out. */
export interface PendingPrune extends Record<string, unknown> {
  sweepId: string;
  trialId: string;
  /** The rung's epoch. */
  epoch: number;
  reason: string;
}

/** The prunes not yet carried out, of one sweep or of all. */
export function pendingPrunes(db: Queryable, sweepId?: string): Promise<PendingPrune[]> {
  return db.query<PendingPrune>(sql`
    SELECT t.sweep_id AS "sweepId", d.trial_id AS "trialId", d.epoch, d.reason
    FROM rung_decisions d JOIN trials t ON t.id = d.trial_id
    WHERE d.action = 'prune' AND t.status IN ('queued', 'running')
      AND (${sweepId ?? null}::text IS NULL OR t.sweep_id = ${sweepId ?? null})
    ORDER BY t.ordinal`);
}

/** The rung decisions of `trialIds`, by trial and epoch (the dashboard's changed trials). */
export function trialRungDecisions(db: Queryable, trialIds: readonly string[]): Promise<RungDecisionRow[]> {
  return db.query<RungDecisionRow>(sql`
    SELECT trial_id AS "trialId", epoch, rung, action, reason, decided_at AS "decidedAt"
    FROM rung_decisions WHERE trial_id = ANY(${[...trialIds]}::text[])
    ORDER BY trial_id, epoch`);
}
