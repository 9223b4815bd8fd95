import { earlyTerminateRules, rungsFor, type SweepConfig, startupTrialsFor } from "@sweep/core";

/**
 * What a sweep's controller will do, for `sweep plan` (empty for a sweep without
 * one): bayes proposes its trials as results come in, so they cannot be listed in
 * advance; hyperband stops trials at its rungs.
 */
export function describeSearchPlan(config: SweepConfig): string[] {
  const lines: string[] = [];
  const { hyperband } = earlyTerminateRules(config.early_terminate);
  if (config.method === "bayes") {
    const runCap = config.run_cap ?? 0;
    lines.push(
      `bayes: up to ${runCap} trials, proposed one at a time as results come in, so they cannot be listed in advance:`,
      `  ${startupTrialsFor(runCap)} random start-up trials, then TPE toward ${config.metric.goal === "maximize" ? "the highest" : "the lowest"} ${config.metric.name} (seed ${config.seed ?? config.training.seed});`,
      "  the trials below are a random sample of the space (the start-up trials' distribution), shown for their sizes.",
    );
  }
  if (hyperband) {
    const epochs = config.training.epochs;
    const rungs = rungsFor(hyperband, epochs);
    const where = rungs.length > 0 ? `at epochs ${rungs.join(", ")} (of ${epochs})` : `none below epoch ${epochs}`;
    lines.push(
      `hyperband: rungs ${where}; at each, a trial goes on only in the top 1/${hyperband.eta} of the trials that reached it, else it is pruned.`,
    );
  }
  return lines;
}

/** `12 trials`, or for bayes `up to 30 trials (bayes proposes them)`, plus the hyperband rule if any. */
export function describeTrialCount(config: SweepConfig, trials: number): string {
  const count = config.method === "bayes" ? `up to ${config.run_cap} trials (bayes proposes them)` : `${trials} trials`;
  const { hyperband } = earlyTerminateRules(config.early_terminate);
  return hyperband ? `${count}, hyperband min_iter ${hyperband.min_iter} eta ${hyperband.eta}` : count;
}
