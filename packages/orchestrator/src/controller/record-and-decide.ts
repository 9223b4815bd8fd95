import { errorMessage, isTerminal, type TrialEvent, type TrialSpec, validateSweepConfig } from "@sweep/core";
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
import { type EpochEvent, type SweepSearch, sweepSearch } from "./sweep-search.js";

/** What the search controller decided while a batch was recorded: to carry out after commit. */
export interface SearchDecisions {
  /** Trials stopped at a rung while still running: tell their workers. */
  prunes: PendingPrune[];
  /** Trials proposed (recorded queued): to train. */
  proposals: TrialSpec[];
}

/**
 * Each sweep's search, looked up once per sweep (a sweep's config never changes);
 * none for a sweep that is neither bayes nor hyperband, or whose stored config no
 * longer validates (it is recorded without a controller, and said once in the log).
 */
export class SweepSearches {
  readonly #known = new Map<string, SweepSearch | undefined>();

  constructor(private readonly log: (line: string) => void = () => {}) {}

  /** Seeds the lookup with a search already made (a local run knows its sweep). */
  add(search: SweepSearch): this {
    this.#known.set(search.sweepId, search);
    return this;
  }

  async of(db: Queryable, sweepIds: Iterable<string>): Promise<Map<string, SweepSearch>> {
    const found = new Map<string, SweepSearch>();
    for (const sweepId of new Set(sweepIds)) {
      if (!this.#known.has(sweepId)) await this.#lookUp(db, sweepId);
      const search = this.#known.get(sweepId);
      if (search) found.set(sweepId, search);
    }
    return found;
  }

  /** Remembers the sweep's search, or that it has none; a sweep not recorded yet is looked up again. */
  async #lookUp(db: Queryable, sweepId: string): Promise<void> {
    const sweep = await sweepById(db, sweepId);
    if (!sweep) return;
    try {
      this.#known.set(sweepId, sweepSearch(validateSweepConfig(sweep.config), sweepId));
    } catch (error) {
      this.#known.set(sweepId, undefined);
      this.log(
        `sweep ${sweepId}'s stored config does not validate, recording it without a controller: ${errorMessage(error)}`,
      );
    }
  }
}

export interface DecideOptions {
  /**
   * With bayes: how many trials to keep queued or running; each trial that ends makes
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
 * recorded and, for bayes, proposals for the trials that ended. So a decision is never
 * lost between an epoch and its prune, and two recorders never both decide.
 */
export async function recordAndDecide(
  database: SweepDatabase,
  events: readonly TrialEvent[],
  searches: SweepSearches,
  options: DecideOptions = {},
): Promise<{ outcomes: RecordOutcome[]; decisions: SearchDecisions }> {
  return database.transaction(async (tx) => {
    const bySweep = await searches.of(tx, [...events.map((event) => event.sweepId), ...(options.fill ?? [])]);
    await lockSweepDecisions(tx, [...bySweep.keys()]);
    const outcomes = await recordEventBatch(tx, events);
    const applied = events.filter((_, index) => outcomes[index] === "applied");
    const prunes = await decideRungs(tx, applied, bySweep);
    const ended = applied.filter(endsTrial);
    const endedTrials = new Set(ended.map((event) => event.trialId));
    const proposals: TrialSpec[] = [];
    const proposing = [...new Set([...ended.map((event) => event.sweepId), ...(options.fill ?? [])])]
      .map((sweepId) => bySweep.get(sweepId))
      .filter((search): search is SweepSearch => search?.proposes === true);
    // The target costs a query: read it only when a bayes sweep may propose (most batches end none).
    if (options.inFlightTarget && proposing.length > 0) {
      const target = await options.inFlightTarget(tx);
      for (const search of proposing) proposals.push(...(await proposeUpTo(tx, search, target)));
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
  bySweep: Map<string, SweepSearch>,
): Promise<PendingPrune[]> {
  const onRungs = applied.filter(
    (event): event is EpochEvent => event.type === "epoch" && bySweep.get(event.sweepId)?.hyperband !== undefined,
  );
  if (onRungs.length === 0) return [];
  const planned = await plannedEpochs(
    tx,
    onRungs.map((event) => event.trialId),
  );
  const prunes: PendingPrune[] = [];
  for (const event of onRungs) {
    const epochs = planned.get(event.trialId);
    const search = bySweep.get(event.sweepId);
    if (epochs === undefined || !search) continue;
    const decision = await search.decideRung(tx, event, epochs);
    if (decision?.action === "prune" && decision.reason !== null) {
      prunes.push({ sweepId: event.sweepId, trialId: event.trialId, epoch: decision.epoch, reason: decision.reason });
    }
  }
  return prunes;
}

/** Proposals until `target` trials of the sweep are queued or running (none for a cancelled sweep). */
async function proposeUpTo(tx: Queryable, search: SweepSearch, target: number): Promise<TrialSpec[]> {
  const sweep = await sweepById(tx, search.sweepId);
  if (!sweep || sweep.status === "cancelled") return [];
  const proposals: TrialSpec[] = [];
  let open = (await openTrials(tx, search.sweepId)).length;
  while (open < target) {
    const trial = await search.propose(tx);
    if (!trial) break;
    proposals.push(trial);
    open++;
  }
  return proposals;
}

/** An outcome the trial keeps: every terminal event but a retryable failure (redelivered). */
const endsTrial = (event: TrialEvent) => isTerminal(event.type) && !(event.type === "failed" && event.retryable);
