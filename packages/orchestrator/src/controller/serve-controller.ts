import type { NatsConnection } from "@nats-io/transport-node";
import { errorMessage, STALE_WORKER_AFTER_MS, type TrialEvent, type TrialSpec } from "@sweep/core";
import { openPruneOrders, type PipelineNames } from "@sweep/protocol";
import {
  liveWorkerThreads,
  type PendingPrune,
  pendingPrunes,
  type Queryable,
  type SweepDatabase,
  searchHistory,
  unfinishedSweeps,
} from "@sweep/store";
import { publishTrials } from "../nats/publisher.js";
import { type ControllerDecisions, type DecideOptions, recordAndDecide } from "./record-and-decide.js";
import { SweepControllers } from "./sweep-controllers.js";

export interface ServeControllerOptions {
  database: SweepDatabase;
  nc: NatsConnection;
  names: PipelineNames;
  log(line: string): void;
  /** How often pending work is looked for (default 2 s). */
  reconcileMs?: number;
}

/** The search controller beside the recorder of `sweep serve` (and `sweep run --nats`). */
export interface ServeController {
  /** The recorder's `recordEvents`: a batch and its decisions in one transaction, then carried out. */
  recordEvents(events: TrialEvent[]): Promise<void>;
  stop(): Promise<void>;
}

/** The message id suffix of a proposed trial: marked re-queued, so a second copy is never trained twice. */
const PROPOSED = "proposed";

/**
 * Runs the search controller where events are recorded. Each batch is recorded with
 * its decisions (`recordAndDecide`); after the commit, prunes go to the prune bucket
 * and proposals are published. What a crash between the commit and the sending lost is
 * found again from the database by a reconcile (at start, then every `reconcileMs`):
 * prunes of trials still open are put again, proposals queued but not published by
 * this process are published (a copy already queued is harmless: see `PROPOSED`), and
 * sweeps with a proposer short of work (a fresh launch, a worker that joined) get proposals.
 */
export async function startServeController(options: ServeControllerOptions): Promise<ServeController> {
  const { database, nc, names, log } = options;
  const controllers = new SweepControllers(log);
  const orders = await openPruneOrders(nc, names);
  const published = new Set<string>();
  const prunesSent = new Set<string>();
  const decide: DecideOptions = {
    inFlightTarget: (tx: Queryable) => liveWorkerThreads(tx, STALE_WORKER_AFTER_MS),
  };

  async function sendPrunes(prunes: readonly PendingPrune[]): Promise<void> {
    for (const prune of prunes) {
      await orders.put(prune);
      prunesSent.add(prune.trialId);
    }
  }
  async function publish(trials: readonly TrialSpec[]): Promise<void> {
    if (trials.length === 0) return;
    await publishTrials(nc, names, trials, PROPOSED);
    for (const trial of trials) published.add(trial.id);
  }
  async function carryOut(decisions: ControllerDecisions): Promise<void> {
    await sendPrunes(decisions.prunes);
    await publish(decisions.proposals);
  }

  async function reconcile(): Promise<void> {
    const sweeps = await unfinishedSweeps(database);
    const bySweep = await controllers.of(
      database,
      sweeps.map((sweep) => sweep.id),
    );
    const proposing = [...bySweep.values()].flatMap(({ sweepId, proposer }) =>
      proposer ? [{ sweepId, proposer }] : [],
    );
    if (proposing.length > 0) {
      const fill = proposing.map(({ sweepId }) => sweepId);
      await carryOut((await recordAndDecide(database, [], controllers, { ...decide, fill })).decisions);
      for (const { sweepId, proposer } of proposing) {
        const unpublished = (await searchHistory(database, sweepId)).filter(
          (row) => row.status === "queued" && !published.has(row.trial_id),
        );
        await publish(unpublished.map(proposer.specOf));
      }
    }
    await sendPrunes((await pendingPrunes(database)).filter((prune) => !prunesSent.has(prune.trialId)));
  }

  let stopped = false;
  let reconciling: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const reconcileNow = () => {
    reconciling = reconcile()
      .catch((error) => log(`the search controller's reconcile failed, trying again: ${errorMessage(error)}`))
      .finally(() => {
        if (!stopped) timer = setTimeout(reconcileNow, options.reconcileMs ?? 2000);
      });
  };
  reconcileNow();

  return {
    async recordEvents(events) {
      const { decisions } = await recordAndDecide(database, events, controllers, decide);
      // Committed: what fails to go out now, the next reconcile sends.
      await carryOut(decisions).catch((error) =>
        log(`sending the search controller's decisions failed, the reconcile sends them: ${errorMessage(error)}`),
      );
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await reconciling;
      clearTimeout(timer);
    },
  };
}
