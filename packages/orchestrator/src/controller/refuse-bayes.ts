import { type SweepConfig, sweepSearch, UsageError } from "@sweep/core";

/**
 * A one-line UsageError (exit 2) for `sweep resume` and `sweep retry` of a sweep with a
 * proposer (bayes): its trials are queued by the controller in `sweep serve` (or a
 * local `sweep run`), and a second publisher could queue a proposed trial twice.
 */
export function refuseBayes(config: SweepConfig, command: string): void {
  if (!sweepSearch(config).proposer) return;
  throw new UsageError(
    `method: \`sweep ${command}\` cannot re-queue a bayes sweep's trials (its controller queues them: run \`sweep serve\`, or \`sweep run\` on its config for a local one), got "bayes"`,
    "method",
  );
}
