import type { NatsConnection } from "@nats-io/transport-node";
import {
  configHash,
  expandTrials,
  type SweepConfig,
  type SweepSearch,
  sweepIdFor,
  sweepSearch,
  type TrialSpec,
} from "@sweep/core";
import type { PipelineNames } from "@sweep/protocol";
import { createSweep, type NewSweep, type SweepDatabase, type SweepRow } from "@sweep/store";
import { publishTrials } from "./publisher.js";

export type LaunchResult =
  | { sweepId: string; created: true; trials: number; published: number; duplicates: number }
  | { sweepId: string; created: false; existing: SweepRow };

/**
 * Records the sweep and its trials (one transaction), then publishes one message per
 * trial. A sweep id that already exists publishes nothing: the same config launched
 * twice is one sweep (`--new` gives a fresh id; `sweep retry` re-queues).
 */
export async function launchSweep(
  database: SweepDatabase,
  nc: NatsConnection,
  names: PipelineNames,
  sweep: NewSweep,
  trials: readonly TrialSpec[],
): Promise<LaunchResult> {
  const stored = await createSweep(database, sweep, trials);
  if (!stored.created && stored.existing) return { sweepId: sweep.id, created: false, existing: stored.existing };
  const { published, duplicates } = await publishTrials(nc, names, trials);
  return { sweepId: sweep.id, created: true, trials: trials.length, published, duplicates };
}

/**
 * The sweep row, search and trials of a validated config. The id is derived from the
 * config, so launching it again finds the same sweep; `fresh` adds a time suffix for a
 * new one. A sweep with a proposer (bayes) has no trials yet: its controller proposes
 * them as results come in.
 */
export function planSweep(
  config: SweepConfig,
  fresh = false,
): { sweep: NewSweep; search: SweepSearch; trials: TrialSpec[] } {
  const suffix = fresh ? new Date().toISOString().replace(/\D/g, "").slice(2, 14) : undefined;
  const id = sweepIdFor(config, suffix);
  const search = sweepSearch(config);
  return {
    sweep: { id, name: config.name, config, configHash: configHash(config) },
    search,
    trials: search.proposer ? [] : expandTrials(config, id),
  };
}
