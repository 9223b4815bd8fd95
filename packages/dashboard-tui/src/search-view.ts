import { describeSearchProgress, isTerminal, rungName } from "@sweep/core";
import type { DashboardSnapshot, TrialView } from "./snapshot.js";

/**
 * The header's lines for a sweep with a proposer or rungs, the ones `sweep status`
 * prints (core's `describeSearchProgress` over the sweep's tally: its trials' statuses and
 * rung decisions); none for other sweeps.
 */
export function searchLines(snapshot: DashboardSnapshot | null): string[] {
  const search = snapshot?.search;
  if (!snapshot || !search) return [];
  const statuses = Object.entries(snapshot.tally.statusCounts).flatMap(([status, count]) =>
    Array<string>(count).fill(status),
  );
  return describeSearchProgress(search, statuses, snapshot.tally.rungDecisions);
}

/** Whether the ranking shows the rung column: only for a sweep with rungs (a hyperband rule). */
export function hasRungColumn(snapshot: DashboardSnapshot | null): boolean {
  return Boolean(snapshot?.search?.rungs);
}

/**
 * A trial's cell in the rung column: `at r1` when its stored decision pruned it at
 * rung 1; `r2` while it is still going (queued or running) and rung 2 is the highest
 * it passed; blank otherwise: no rung reached yet, finished past its rungs, or stopped
 * by something else (the overfit rule, a failure, a cancel).
 */
export function rungCell(trial: Pick<TrialView, "status" | "rungs">): string {
  let passed = 0;
  for (const decision of trial.rungs) {
    if (decision.action === "prune") return `at ${rungName(decision.rung)}`;
    passed = Math.max(passed, decision.rung);
  }
  return passed > 0 && !isTerminal(trial.status) ? rungName(passed) : "";
}
