import {
  type AdaptiveSearch,
  adaptiveSearchOf,
  describeSearchProgress,
  type SweepConfig,
  validateSweepConfig,
} from "@sweep/core";
import { type Queryable, sweepRungDecisions, type TrialRankingRow } from "@sweep/store";

/** The adaptive search of a sweep's stored config; null for a sweep without one, or a config stored by another version. */
export function storedSearch(stored: unknown): AdaptiveSearch | null {
  let config: SweepConfig;
  try {
    config = validateSweepConfig(stored);
  } catch {
    return null;
  }
  return adaptiveSearchOf(config);
}

/**
 * The `sweep status` lines of an adaptive sweep, core's `describeSearchProgress` (the
 * dashboard prints the same lines): for bayes, trials proposed of run_cap, running and
 * finished; for hyperband, per rung the trials that reached it and were pruned there,
 * from the rung decisions, which are read only for a sweep with the rule. Empty for
 * other sweeps.
 */
export async function describeSearchStatus(
  db: Queryable,
  sweep: { id: string; config: unknown },
  ranking: readonly TrialRankingRow[],
): Promise<string[]> {
  const search = storedSearch(sweep.config);
  if (!search) return [];
  const decisions = search.hyperband ? await sweepRungDecisions(db, sweep.id) : [];
  const statuses = ranking.map((row) => row.status);
  return describeSearchProgress(search, statuses, decisions).map((line) => `  search:   ${line}`);
}
