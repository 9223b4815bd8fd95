import type { Queryable } from "./database.js";
import { sql } from "./sql.js";

/** A trial that is not finished: still queued, or running. */
export interface OpenTrial extends Record<string, unknown> {
  id: string;
  status: "queued" | "running";
  /** The delivery attempt of its latest recorded event (0 before any). */
  attempt: number;
}

/**
 * The sweep's open trials, in launch order: what a local run still has to train, what
 * a cancel waits for, and what keeps a run going (none left: the sweep is done).
 */
export function openTrials(db: Queryable, sweepId: string): Promise<OpenTrial[]> {
  return db.query<OpenTrial>(sql`
    SELECT id, status, attempt FROM trials
    WHERE sweep_id = ${sweepId} AND status IN ('queued', 'running')
    ORDER BY ordinal`);
}
