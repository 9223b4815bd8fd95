import type { TrialSpec } from "@sweep/core";
import type { Queryable, SweepDatabase } from "./database.js";
import type { SweepRow } from "./schema.js";
import { sql } from "./sql.js";

/** Trials per INSERT statement: one jsonb parameter each, kept to a few hundred kB. */
const TRIALS_PER_INSERT = 500;

export interface NewSweep {
  id: string;
  name: string;
  /** The validated config as the user wrote it. */
  config: unknown;
  configHash: string;
}

/** The columns of `sweeps` under `SweepRow`'s names. */
export const SWEEP_COLUMNS = sql`id, name, config, config_hash AS "configHash", status,
  created_at AS "createdAt", updated_at AS "updatedAt", finished_at AS "finishedAt"`;

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
  return database.transaction(async (tx) => {
    if (!(await insertSweep(tx, sweep))) return { created: false, existing: await sweepById(tx, sweep.id) };
    for (let start = 0; start < trialSpecs.length; start += TRIALS_PER_INSERT) {
      await insertTrials(tx, trialSpecs.slice(start, start + TRIALS_PER_INSERT));
    }
    return { created: true };
  });
}

/** Inserts the sweep row unless its id exists; whether it did. */
export async function insertSweep(db: Queryable, sweep: NewSweep): Promise<boolean> {
  const inserted = await db.query(sql`
    INSERT INTO sweeps (id, name, config, config_hash)
    VALUES (${sweep.id}, ${sweep.name}, ${sweep.config}::jsonb, ${sweep.configHash})
    ON CONFLICT DO NOTHING
    RETURNING id`);
  return inserted.length > 0;
}

/** The sweep with id `id`, if any. */
export async function sweepById(db: Queryable, id: string): Promise<SweepRow | undefined> {
  const [row] = await db.query<SweepRow>(sql`SELECT ${SWEEP_COLUMNS} FROM sweeps WHERE id = ${id}`);
  return row;
}

/** Inserts queued trials, all in one statement (one jsonb parameter). */
export async function insertTrials(db: Queryable, trialSpecs: readonly TrialSpec[]): Promise<void> {
  if (trialSpecs.length === 0) return;
  const rows = trialSpecs.map((trial) => ({
    id: trial.id,
    sweep_id: trial.sweepId,
    ordinal: trial.ordinal,
    name: trial.name,
    key: trial.key,
    params: trial.params,
    model: { spec: trial.model, layers: trial.layers },
    epochs_planned: trial.training.epochs,
    early_terminate: trial.earlyTerminate ?? null,
  }));
  await db.query(sql`
    INSERT INTO trials (id, sweep_id, ordinal, name, key, params, model, epochs_planned, early_terminate)
    SELECT r.id, r.sweep_id, r.ordinal, r.name, r.key, r.params, r.model, r.epochs_planned, r.early_terminate
    FROM jsonb_to_recordset(${rows}::jsonb) AS r(id text, sweep_id text, ordinal int, name text,
      key text, params jsonb, model jsonb, epochs_planned int, early_terminate jsonb)`);
}
