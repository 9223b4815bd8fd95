import { earlyTerminateRules, rungsFor, type SweepConfig, TERMINAL_TRIAL_STATUSES } from "@sweep/core";
import type { TrialRankingRow } from "@sweep/store";

/**
 * The `sweep status` lines of an adaptive sweep: for bayes, trials proposed, running
 * and finished of run_cap; for hyperband, how many trials reached each rung and how
 * many were pruned. Empty for other sweeps.
 */
export function describeSearchStatus(config: SweepConfig, ranking: readonly TrialRankingRow[]): string[] {
  const lines: string[] = [];
  if (config.method === "bayes") {
    const running = ranking.filter((row) => row.status === "running").length;
    const finished = ranking.filter((row) => TERMINAL_TRIAL_STATUSES.includes(row.status)).length;
    lines.push(
      `  search:   bayes, ${ranking.length} of run_cap ${config.run_cap} proposed, ${running} running, ${finished} finished`,
    );
  }
  const { hyperband } = earlyTerminateRules(config.early_terminate);
  if (hyperband) {
    const rungs = rungsFor(hyperband, config.training.epochs);
    const reached = rungs.map(
      (epoch, index) =>
        `rung ${index + 1} (epoch ${epoch}) reached by ${ranking.filter((row) => (row.last_epoch ?? 0) >= epoch).length}`,
    );
    const pruned = ranking.filter((row) => row.status === "pruned").length;
    lines.push(`  rungs:    ${[...reached, `${pruned} pruned`].join(", ")} (hyperband, eta ${hyperband.eta})`);
  }
  return lines;
}
