import { dbSchema, type SweepRow, type TrialSpec, type TrialStatus } from "@sweep/core";
import { and, eq, inArray, notInArray } from "drizzle-orm";
import type { SweepDatabase } from "./database.js";
import { refreshSweepStatus } from "./sweep-status.js";

const { sweeps, trials, epochs } = dbSchema;

/** Trials per INSERT statement (23 columns each, well under Postgres' 65,535 parameters). */
const TRIALS_PER_INSERT = 500;

export interface NewSweep {
  id: string;
  name: string;
  /** The validated config as the user wrote it. */
  config: unknown;
  configHash: string;
}

/**
 * Inserts the sweep and all its trials in one transaction. A sweep whose id already
 * exists (a re-launch of the same config) is left untouched: `created: false` and
 * the stored row.
 */
export async function createSweep(
  database: SweepDatabase,
  sweep: NewSweep,
  trialSpecs: readonly TrialSpec[],
): Promise<{ created: boolean; existing?: SweepRow }> {
  return database.db.transaction(async (tx) => {
    const inserted = await tx
      .insert(sweeps)
      .values({ id: sweep.id, name: sweep.name, config: sweep.config, configHash: sweep.configHash })
      .onConflictDoNothing()
      .returning({ id: sweeps.id });
    if (inserted.length === 0) {
      const [existing] = await tx.select().from(sweeps).where(eq(sweeps.id, sweep.id));
      return { created: false, existing };
    }
    for (let start = 0; start < trialSpecs.length; start += TRIALS_PER_INSERT) {
      await tx.insert(trials).values(trialSpecs.slice(start, start + TRIALS_PER_INSERT).map(trialRow));
    }
    return { created: true };
  });
}

function trialRow(trial: TrialSpec): typeof trials.$inferInsert {
  return {
    id: trial.id,
    sweepId: trial.sweepId,
    ordinal: trial.ordinal,
    name: trial.name,
    key: trial.key,
    params: trial.params,
    model: { spec: trial.model, layers: trial.layers },
    epochsPlanned: trial.training.epochs,
    earlyTerminate: trial.earlyTerminate ?? null,
  };
}

/**
 * Puts the sweep's trials in `statuses` (never completed ones) back in the queue
 * for a retry or resume, and returns their ids. Their outcome (error, test metrics,
 * finish time) is cleared and attempt numbering restarts at 0 for the trial and its
 * kept epoch rows, so the freshly published message (delivery 1) may write them; a
 * `started` event then drops the rows after its resume epoch. A cancelled sweep
 * becomes active again. `except`: trials to leave as they are.
 */
export async function requeueTrials(
  database: SweepDatabase,
  sweepId: string,
  statuses: readonly TrialStatus[],
  except: readonly string[] = [],
): Promise<string[]> {
  const requeueable = statuses.filter((status) => status !== "completed");
  if (requeueable.length === 0) return [];
  return database.db.transaction(async (tx) => {
    const requeued = await tx
      .update(trials)
      .set({
        status: "queued",
        attempt: 0,
        error: null,
        testLoss: null,
        testAccuracy: null,
        finishedAt: null,
        durationMs: null,
      })
      .where(
        and(
          eq(trials.sweepId, sweepId),
          inArray(trials.status, requeueable),
          except.length > 0 ? notInArray(trials.id, [...except]) : undefined,
        ),
      )
      .returning({ id: trials.id });
    const ids = requeued.map((row) => row.id).sort();
    if (ids.length > 0) await tx.update(epochs).set({ attempt: 0 }).where(inArray(epochs.trialId, ids));
    await refreshSweepStatus(tx, [sweepId], { reopen: ids.length > 0 });
    return ids;
  });
}

/**
 * Cancels a sweep: its queued trials become cancelled at once; running ones stay
 * running until their worker's `cancelled` event. Returns both lists of trial ids.
 */
export async function markSweepCancelled(
  database: SweepDatabase,
  sweepId: string,
): Promise<{ cancelled: string[]; running: string[] }> {
  return database.db.transaction(async (tx) => {
    await tx.update(sweeps).set({ status: "cancelled", updatedAt: new Date() }).where(eq(sweeps.id, sweepId));
    const cancelled = await tx
      .update(trials)
      .set({ status: "cancelled", finishedAt: new Date() })
      .where(and(eq(trials.sweepId, sweepId), eq(trials.status, "queued")))
      .returning({ id: trials.id });
    const running = await tx
      .select({ id: trials.id })
      .from(trials)
      .where(and(eq(trials.sweepId, sweepId), eq(trials.status, "running")));
    await refreshSweepStatus(tx, [sweepId]);
    return { cancelled: cancelled.map((row) => row.id).sort(), running: running.map((row) => row.id).sort() };
  });
}
