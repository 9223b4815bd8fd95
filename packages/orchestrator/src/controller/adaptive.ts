import { earlyTerminateRules, type SweepConfig, UsageError } from "@sweep/core";

/**
 * A one-line UsageError (exit 2) for `sweep resume` and `sweep retry` of a bayes sweep:
 * its trials are queued by the controller in `sweep serve` (or a local `sweep run`), and
 * a second publisher could queue a proposed trial twice.
 */
export function refuseBayes(config: SweepConfig, command: string): void {
  if (config.method !== "bayes") return;
  throw new UsageError(
    `method: \`sweep ${command}\` cannot re-queue a bayes sweep's trials (its controller queues them: run \`sweep serve\`, or \`sweep run\` on its config for a local one), got "bayes"`,
    "method",
  );
}

/** `12 trials`, or for bayes `up to 30 trials (bayes proposes them)`, plus the hyperband rule if any. */
export function describeTrialCount(config: SweepConfig, trials: number): string {
  const count = config.method === "bayes" ? `up to ${config.run_cap} trials (bayes proposes them)` : `${trials} trials`;
  const { hyperband } = earlyTerminateRules(config.early_terminate);
  return hyperband ? `${count}, hyperband min_iter ${hyperband.min_iter} eta ${hyperband.eta}` : count;
}
