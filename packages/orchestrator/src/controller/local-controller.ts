import type { SweepConfig, TrialEvent, TrialSpec } from "@sweep/core";
import { lockSweepDecisions, type PendingPrune, pendingPrunes, type SweepDatabase, searchHistory } from "@sweep/store";
import { recordAndDecide } from "./record-and-decide.js";
import { type ControllerProposer, sweepController } from "./sweep-controller.js";
import { SweepControllers } from "./sweep-controllers.js";

/**
 * The search controller of a local `sweep run`: with a proposer (`method: bayes`) it
 * proposes the next trial whenever a thread is free, up to run_cap; with rungs
 * (`early_terminate: hyperband`) each epoch is recorded together with its rung decision
 * (one transaction, `recordAndDecide`), and a trial stopped there is pruned. Its state
 * is the database: a resumed run reads the sweep's trials, epochs and decisions again
 * and continues.
 */
export interface LocalController {
  /** With a proposer: the trials it proposes. */
  readonly proposer?: LocalProposer;
  /** Records an event with its decision; the reason to prune its trial when it stops at this rung. */
  record(event: TrialEvent): Promise<string | undefined>;
  /** Prunes decided before this run (it was killed first) for trials still open. */
  pendingPrunes(): Promise<PendingPrune[]>;
}

export interface LocalProposer {
  /** The trials it proposed before (a resumed sweep), as specs to train. */
  proposedTrials(): Promise<TrialSpec[]>;
  /** The next trial, recorded queued; none when run_cap is reached or nothing untried is left. */
  next(): Promise<TrialSpec | undefined>;
}

/** The sweep's controller, or none when its search has neither a proposer nor rungs. */
export function localController(
  database: SweepDatabase,
  config: SweepConfig,
  sweepId: string,
): LocalController | undefined {
  const controller = sweepController(config, sweepId);
  if (!controller) return undefined;
  const controllers = new SweepControllers().add(controller);
  return {
    ...(controller.proposer ? { proposer: localProposer(database, sweepId, controller.proposer) } : {}),
    async record(event) {
      const { decisions } = await recordAndDecide(database, [event], controllers);
      return decisions.prunes.find((prune) => prune.trialId === event.trialId)?.reason;
    },
    pendingPrunes: () => pendingPrunes(database, sweepId),
  };
}

function localProposer(database: SweepDatabase, sweepId: string, proposer: ControllerProposer): LocalProposer {
  // One proposal at a time: two free threads must not propose from the same history at once.
  let proposing: Promise<unknown> = Promise.resolve();
  const propose = () =>
    database.transaction(async (tx) => {
      await lockSweepDecisions(tx, [sweepId]);
      return proposer.propose(tx);
    });
  return {
    proposedTrials: async () => (await searchHistory(database, sweepId)).map(proposer.specOf),
    next() {
      const proposal = proposing.then(propose);
      proposing = proposal.catch(() => {});
      return proposal;
    },
  };
}
