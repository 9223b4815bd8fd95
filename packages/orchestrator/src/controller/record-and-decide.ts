import { isTerminal, type TrialEvent, type TrialSpec } from "@sweep/core";
import {
  lockSweepDecisions,
  openTrials,
  type PendingPrune,
  plannedEpochs,
  type Queryable,
  type RecordOutcome,
  recordEventBatch,
  type SweepDatabase,
  sweepById,
} from "@sweep/store";
import type { ControllerProposer, EpochEvent, SweepController } from "./sweep-controller.js";
import type { SweepControllers } from "./sweep-controllers.js";

/** What the search controller decided while a batch was recorded: to carry out after commit. */
export interface ControllerDecisions {
  /** Trials stopped at a rung while still running: tell their workers. */
  prunes: PendingPrune[];
  /** Trials proposed (recorded queued): to train. */
  proposals: TrialSpec[];
}

export interface DecideOptions {
  /**
   * With a proposer: how many trials to keep queued or running; each trial that ends makes
   * room for proposals up to it. None: no proposals here (a local run asks for them).
   */
  inFlightTarget?(tx: Queryable): Promise<number>;
  /** Proposes up to the target for these sweeps too, even with nothing recorded (reconcile). */
  fill?: readonly string[];
}

/**
 * Records a batch of events and takes the search controller's decisions in ONE
 * transaction: each sweep's decision lock first (in sweep id order, before the row
 * locks that recording takes), then the events, then a decision at every rung epoch
 * recorded and, for a sweep with a proposer, proposals for the trials that ended. So a decision is never
 * lost between an epoch and its prune, and two recorders never both decide.
 */
export async function recordAndDecide(
  database: SweepDatabase,
  events: readonly TrialEvent[],
  controllers: SweepControllers,
  options: DecideOptions = {},
): Promise<{ outcomes: RecordOutcome[]; decisions: ControllerDecisions }> {
  return database.transaction(async (tx) => {
    const bySweep = await controllers.of(tx, [...events.map((event) => event.sweepId), ...(options.fill ?? [])]);
    await lockSweepDecisions(tx, [...bySweep.keys()]);
    const outcomes = await recordEventBatch(tx, events);
    const applied = events.filter((_, index) => outcomes[index] === "applied");
    const prunes = await decideRungs(tx, applied, bySweep);
    const ended = applied.filter(endsTrial);
    const endedTrials = new Set(ended.map((event) => event.trialId));
    const proposals: TrialSpec[] = [];
    const proposing = [...new Set([...ended.map((event) => event.sweepId), ...(options.fill ?? [])])].flatMap(
      (sweepId) => {
        const proposer = bySweep.get(sweepId)?.proposer;
        return proposer ? [{ sweepId, proposer }] : [];
      },
    );
    // The target costs a query: read it only when a sweep with a proposer may propose (most batches end none).
    if (options.inFlightTarget && proposing.length > 0) {
      const target = await options.inFlightTarget(tx);
      for (const { sweepId, proposer } of proposing)
        proposals.push(...(await proposeUpTo(tx, sweepId, proposer, target)));
    }
    return {
      outcomes,
      decisions: { prunes: prunes.filter((prune) => !endedTrials.has(prune.trialId)), proposals },
    };
  });
}

async function decideRungs(
  tx: Queryable,
  applied: readonly TrialEvent[],
  bySweep: Map<string, SweepController>,
): Promise<PendingPrune[]> {
  const onRungs = applied.filter(
    (event): event is EpochEvent => event.type === "epoch" && bySweep.get(event.sweepId)?.rungs !== undefined,
  );
  if (onRungs.length === 0) return [];
  const planned = await plannedEpochs(
    tx,
    onRungs.map((event) => event.trialId),
  );
  const prunes: PendingPrune[] = [];
  for (const event of onRungs) {
    const epochs = planned.get(event.trialId);
    const rungs = bySweep.get(event.sweepId)?.rungs;
    if (epochs === undefined || !rungs) continue;
    const decision = await rungs.decide(tx, event, epochs);
    if (decision?.action === "prune" && decision.reason !== null) {
      prunes.push({ sweepId: event.sweepId, trialId: event.trialId, epoch: decision.epoch, reason: decision.reason });
    }
  }
  return prunes;
}

/** Proposals until `target` trials of the sweep are queued or running (none for a cancelled sweep). */
async function proposeUpTo(
  tx: Queryable,
  sweepId: string,
  proposer: ControllerProposer,
  target: number,
): Promise<TrialSpec[]> {
  const sweep = await sweepById(tx, sweepId);
  if (!sweep || sweep.status === "cancelled") return [];
  const proposals: TrialSpec[] = [];
  let open = (await openTrials(tx, sweepId)).length;
  while (open < target) {
    const trial = await proposer.propose(tx);
    if (!trial) break;
    proposals.push(trial);
    open++;
  }
  return proposals;
}

/** An outcome the trial keeps: every terminal event but a retryable failure (redelivered). */
const endsTrial = (event: TrialEvent) => isTerminal(event.type) && !(event.type === "failed" && event.retryable);
