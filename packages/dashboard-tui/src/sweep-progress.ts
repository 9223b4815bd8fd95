import { TERMINAL_TRIAL_STATUSES } from "@sweep/core";
import type { DashboardSnapshot } from "./snapshot.js";

export interface SweepProgress {
  trialsDone: number;
  trialsTotal: number;
  /** Finished epochs; a terminal trial counts all its planned epochs (a pruned one will run no more). */
  epochsDone: number;
  epochsTotal: number;
  elapsedMs: number;
  /** null while no epoch has been measured, 0 once the sweep is over. */
  etaMs: number | null;
}

/**
 * Progress and ETA from the sweep's tally: the epochs still to run × the median of the
 * trials' mean epoch durations, divided by the trials running side by side (at least one).
 */
export function sweepProgress(snapshot: DashboardSnapshot): SweepProgress {
  const { tally, sweep, takenAt } = snapshot;
  const trialsDone = TERMINAL_TRIAL_STATUSES.reduce((sum, status) => sum + (tally.statusCounts[status] ?? 0), 0);
  const running = tally.statusCounts.running ?? 0;
  const remaining = tally.epochsPlanned - tally.epochsDone;
  const etaMs =
    remaining === 0
      ? 0
      : tally.medianEpochMs === null
        ? null
        : (remaining * tally.medianEpochMs) / Math.max(1, running);
  const elapsedMs = sweep ? (sweep.finishedAt ?? takenAt) - sweep.createdAt : 0;
  return {
    trialsDone,
    trialsTotal: tally.trials,
    epochsDone: tally.epochsDone,
    epochsTotal: tally.epochsPlanned,
    elapsedMs,
    etaMs,
  };
}
