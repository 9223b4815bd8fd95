import { earlyTerminateRules, type SweepConfig, UsageError } from "@sweep/core";

/** Whether a sweep needs a controller: bayes proposals or hyperband rungs. */
export function isAdaptive(config: SweepConfig): boolean {
  return config.method === "bayes" || earlyTerminateRules(config.early_terminate).hyperband !== undefined;
}

/** A one-line UsageError (exit 2) for a command that cannot run an adaptive sweep. */
export function refuseAdaptive(config: SweepConfig, command: string): void {
  if (!isAdaptive(config)) return;
  const [where, value] = config.method === "bayes" ? ["method", "bayes"] : ["early_terminate", "hyperband"];
  throw new UsageError(
    `${where}: needs the search controller, which \`sweep ${command}\` does not run yet, got "${value}"`,
    where,
  );
}

/** `12 trials`, or for bayes `up to 30 trials (bayes proposes them)`, plus the hyperband rule if any. */
export function describeTrialCount(config: SweepConfig, trials: number): string {
  const count = config.method === "bayes" ? `up to ${config.run_cap} trials (bayes proposes them)` : `${trials} trials`;
  const { hyperband } = earlyTerminateRules(config.early_terminate);
  return hyperband ? `${count}, hyperband min_iter ${hyperband.min_iter} eta ${hyperband.eta}` : count;
}
