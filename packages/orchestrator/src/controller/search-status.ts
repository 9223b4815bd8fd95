import {
  describeSearchProgress,
  type SearchOutline,
  type SweepConfig,
  searchOutline,
  validateSweepConfig,
} from "@sweep/core";
import { type Queryable, sweepRungDecisions } from "@sweep/store";

/**
 * The search outline of a sweep's stored config; null for a sweep with neither a
 * proposer nor rungs, or a config stored by another version.
 */
export function storedSearchOutline(stored: unknown): SearchOutline | null {
  let config: SweepConfig;
  try {
    config = validateSweepConfig(stored);
  } catch {
    return null;
  }
  return searchOutline(config);
}

/**
 * The `sweep status` lines of a sweep's search, core's `describeSearchProgress` (the
 * dashboard prints the same lines): with a proposer, trials proposed of run_cap,
 * running and finished; with rungs, per rung the trials that reached it and were
 * pruned there, from the rung decisions, which are read only for a sweep with rungs.
 * Empty for other sweeps. `statuses`: every trial's status.
 */
export async function describeSearchStatus(
  db: Queryable,
  sweep: { id: string; config: unknown },
  statuses: readonly string[],
): Promise<string[]> {
  const search = storedSearchOutline(sweep.config);
  if (!search) return [];
  const decisions = search.rungs ? await sweepRungDecisions(db, sweep.id) : [];
  return describeSearchProgress(search, statuses, decisions).map((line) => `  search:   ${line}`);
}
