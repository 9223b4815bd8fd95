import {
  isUsageError,
  type Observation,
  type Proposer,
  pointOverrides,
  type RungSchedule,
  resolvePoint,
  type SearchPoint,
  type SweepConfig,
  sweepSearch,
  TERMINAL_TRIAL_STATUSES,
  type TrialEvent,
  type TrialSpec,
  trialPoint,
} from "@sweep/core";
import {
  epochMetricOfSweep,
  insertTrials,
  type Queryable,
  type RungDecisionRow,
  recordRungDecision,
  refreshSweepStatus,
  type SearchHistoryRow,
  searchHistory,
} from "@sweep/store";

export type EpochEvent = Extract<TrialEvent, { type: "epoch" }>;

/**
 * One sweep's controller: the parts of its search (core's `sweepSearch`) acting on the
 * database, each in the caller's transaction (which holds the sweep's decision lock,
 * `lockSweepDecisions`). No state of its own: a restarted controller reads the same rows.
 */
export interface SweepController {
  readonly sweepId: string;
  /** With a proposer (`method: bayes`): the sweep's trials, proposed one at a time. */
  readonly proposer?: ControllerProposer;
  /** With rungs (`early_terminate: hyperband`): whether a trial goes on at each rung (ASHA). */
  readonly rungs?: ControllerRungs;
}

export interface ControllerProposer {
  /** The next trial (TPE over the finished trials), inserted queued; none at run_cap or when nothing untried is left. */
  propose(tx: Queryable): Promise<TrialSpec | undefined>;
  /** The trial spec of a stored (proposed) trial. */
  specOf(row: SearchHistoryRow): TrialSpec;
}

export interface ControllerRungs {
  /**
   * At a rung epoch, the trial's decision there: taken now and stored if there is none
   * yet, else the one stored before. Off the rungs nothing is read.
   */
  decide(tx: Queryable, event: EpochEvent, epochsPlanned: number): Promise<RungDecisionRow | undefined>;
}

/** The sweep's controller, or none when its search has neither a proposer nor rungs. */
export function sweepController(config: SweepConfig, sweepId: string): SweepController | undefined {
  const { proposer, rungs } = sweepSearch(config);
  if (!proposer && !rungs) return undefined;
  return {
    sweepId,
    ...(proposer ? { proposer: controllerProposer(config, sweepId, proposer) } : {}),
    ...(rungs ? { rungs: controllerRungs(sweepId, rungs) } : {}),
  };
}

function controllerProposer(config: SweepConfig, sweepId: string, proposer: Proposer): ControllerProposer {
  return {
    async propose(tx) {
      const history = await searchHistory(tx, sweepId);
      if (history.length >= proposer.runCap) return undefined;
      const tried = new Set(history.map((row) => row.key));
      const observations: Observation[] = history
        .filter((row) => TERMINAL_TRIAL_STATUSES.includes(row.status))
        .map((row) => ({ point: trialPoint(config, row.params), value: row.metric_value, step: row.last_epoch }));
      const trial = proposer.propose(observations, (point) => {
        const proposal = trialAt(config, sweepId, history.length, point);
        return proposal && !tried.has(proposal.key) ? proposal : undefined;
      });
      if (!trial) return undefined;
      await insertTrials(tx, [trial]);
      await refreshSweepStatus(tx, [sweepId], { reopen: false });
      return trial;
    },
    specOf: (row) => resolvePoint(config, sweepId, row.ordinal, pointOverrides(trialPoint(config, row.params))),
  };
}

/** The trial at a point of the space; none when its model collapses (a usage error: not a trial). */
function trialAt(config: SweepConfig, sweepId: string, ordinal: number, point: SearchPoint): TrialSpec | undefined {
  try {
    return resolvePoint(config, sweepId, ordinal, pointOverrides(point));
  } catch (error) {
    if (isUsageError(error)) return undefined;
    throw error;
  }
}

function controllerRungs(sweepId: string, rungs: RungSchedule): ControllerRungs {
  return {
    async decide(tx, event, epochsPlanned) {
      const { epoch } = event.metrics;
      const rung = rungs.rungAt(epoch, epochsPlanned);
      if (rung === undefined) return undefined;
      const reached = await epochMetricOfSweep(tx, sweepId, epoch, rungs.metric);
      const others = reached.filter((row) => row.trial_id !== event.trialId).map((row) => row.value);
      const decision = rungs.decide({ rung, epoch, value: event.metrics[rungs.metric], others });
      return recordRungDecision(tx, {
        trialId: event.trialId,
        epoch,
        rung: decision.rung,
        action: decision.action,
        reason: decision.action === "prune" ? decision.reason : null,
      });
    },
  };
}
