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
