import type { SweepConfig, TrialEvent, TrialSpec } from "@sweep/core";
import { lockSweepDecisions, type PendingPrune, pendingPrunes, type SweepDatabase, searchHistory } from "@sweep/store";
import { recordAndDecide } from "./record-and-decide.js";
import { sweepController } from "./sweep-controller.js";
import { SweepControllers } from "./sweep-controllers.js";

/**
 * The search controller of a local `sweep run`: with `method: bayes` it proposes the
 * next trial whenever a thread is free, up to run_cap; with `early_terminate:
 * hyperband` each epoch is recorded together with its rung decision (one transaction,
 * `recordAndDecide`), and a trial stopped there is pruned. Its state is the database:
 * a resumed run reads the sweep's trials, epochs and decisions again and continues.
 */
export interface LocalController {
  /** Whether it proposes trials (bayes). */
  readonly proposes: boolean;
  /** The trials it proposed before (a resumed sweep), as specs to train. */
  proposedTrials(): Promise<TrialSpec[]>;
  /** The next trial, recorded queued; none when run_cap is reached or nothing untried is left. */
  next(): Promise<TrialSpec | undefined>;
  /** Records an event with its decision; the reason to prune its trial when it stops at this rung. */
  record(event: TrialEvent): Promise<string | undefined>;
  /** Prunes decided before this run (it was killed first) for trials still open. */
  pendingPrunes(): Promise<PendingPrune[]>;
}

/** The sweep's controller, or none when the sweep is neither bayes nor hyperband. */
export function localController(
  database: SweepDatabase,
  config: SweepConfig,
  sweepId: string,
): LocalController | undefined {
  const controller = sweepController(config, sweepId);
  if (!controller) return undefined;
  const controllers = new SweepControllers().add(controller);
  // One proposal at a time: two free threads must not propose from the same history at once.
  let proposing: Promise<unknown> = Promise.resolve();
  const propose = () =>
    database.transaction(async (tx) => {
      await lockSweepDecisions(tx, [sweepId]);
      return controller.propose(tx);
    });

  return {
    proposes: controller.proposes,
    async proposedTrials() {
      if (!controller.proposes) return [];
      return (await searchHistory(database, sweepId)).map(controller.specOf);
    },
    next() {
      if (!controller.proposes) return Promise.resolve(undefined);
      const proposal = proposing.then(propose);
      proposing = proposal.catch(() => {});
      return proposal;
    },
    async record(event) {
      const { decisions } = await recordAndDecide(database, [event], controllers);
      return decisions.prunes.find((prune) => prune.trialId === event.trialId)?.reason;
    },
    pendingPrunes: () => pendingPrunes(database, sweepId),
  };
}
