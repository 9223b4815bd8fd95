import { describeValue, type KeptKind, UsageError } from "@sweep/core";
import {
  getSweep,
  type KeptWeightsListing,
  type Queryable,
  type TrialHeader,
  trialHeader,
  trialKeptWeights,
  trialRanking,
} from "@sweep/store";

/** The argument of `sweep export` and `sweep predict` that names a trial or a sweep. */
export const TRIAL_OR_SWEEP = "<trial | sweep>";

/** A trial whose kept weights of one kind are stored. */
export interface KeptTrial {
  trial: TrialHeader;
  kept: KeptWeightsListing;
}

/**
 * The trial `ref` means, with its kept weights of `kind`: a trial id names that trial;
 * else `ref` names a sweep (id, id prefix or name, as every `<sweep>` argument) and
 * its best finished (completed or pruned) trial by the sweep's metric is meant. A `UsageError` naming `argument` when
 * nothing matches, the sweep has no ranked trial, or the trial has no such weights.
 */
export async function keptTrial(
  db: Queryable,
  ref: string,
  kind: KeptKind,
  argument = TRIAL_OR_SWEEP,
): Promise<KeptTrial> {
  const trial = (await trialHeader(db, ref)) ?? (await bestTrialOf(db, ref, argument));
  const kept = (await trialKeptWeights(db, trial.id)).find((row) => row.kind === kind);
  if (kept === undefined) {
    throw new UsageError(
      `${argument}: trial ${trial.id} (${trial.status}) kept no ${kind} weights (training.keep_weights; a cancelled or failed trial keeps none), got ${describeValue(ref)}`,
      argument,
    );
  }
  if (!kept.stored) {
    throw new UsageError(
      `${argument}: trial ${trial.id}'s ${kind} weights (epoch ${kept.epoch}) were not kept: ${kept.note ?? "no reason recorded"}`,
      argument,
    );
  }
  return { trial, kept };
}

async function bestTrialOf(db: Queryable, ref: string, argument: string): Promise<TrialHeader> {
  const sweep = await getSweep(db, ref, argument);
  // The best finished trial: a running one has kept nothing yet.
  const best = (await trialRanking(db, sweep.id)).find(
    (row) => row.rank !== null && (row.status === "completed" || row.status === "pruned"),
  );
  const trial = best && (await trialHeader(db, best.trial_id));
  if (trial === undefined) {
    throw new UsageError(`${argument}: sweep ${sweep.id} has no finished trial with a recorded metric yet`, argument);
  }
  return trial;
}
