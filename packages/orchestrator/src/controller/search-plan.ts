import { type SweepConfig, sweepSearch } from "@sweep/core";

/**
 * What a sweep's search will do, for `sweep plan` (empty for a sweep with neither part):
 * its proposer proposes the trials as results come in, so they cannot be listed in
 * advance; its rungs stop trials.
 */
export function describeSearchPlan(config: SweepConfig): string[] {
  const lines: string[] = [];
  const { proposer, rungs } = sweepSearch(config);
  if (proposer) {
    const toward = `${config.metric.goal === "maximize" ? "the highest" : "the lowest"} ${config.metric.name}`;
    lines.push(
      `bayes: up to ${proposer.runCap} trials, proposed one at a time as results come in, so they cannot be listed in advance:`,
      `  ${proposer.startupTrials} random start-up trials, then TPE toward ${toward} (seed ${proposer.seed});`,
      "  the trials below are a random sample of the space (the start-up trials' distribution), shown for their sizes.",
    );
  }
  if (rungs) {
    const epochs = config.training.epochs;
    const at = rungs.epochs(epochs);
    const where = at.length > 0 ? `at epochs ${at.join(", ")} (of ${epochs})` : `none below epoch ${epochs}`;
    lines.push(
      `hyperband: rungs ${where}; at each, a trial goes on only in the top 1/${rungs.rule.eta} of the trials that reached it, else it is pruned.`,
    );
  }
  return lines;
}

/** `12 trials`, or with a proposer `up to 30 trials (bayes proposes them)`, plus the rungs' rule if any. */
export function describeTrialCount(config: SweepConfig, trials: number): string {
  const { proposer, rungs } = sweepSearch(config);
  const count = proposer ? `up to ${proposer.runCap} trials (bayes proposes them)` : `${trials} trials`;
  return rungs ? `${count}, hyperband min_iter ${rungs.rule.min_iter} eta ${rungs.rule.eta}` : count;
}
