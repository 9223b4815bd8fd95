import {
  earlyTerminateRules,
  type HyperbandRule,
  isUsageError,
  type Observation,
  pointOverrides,
  proposeTrial,
  resolvePoint,
  rungDecision,
  rungMetric,
  type SweepConfig,
  searchSpace,
  startupTrialsFor,
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
 * One sweep's controller: its search decisions, each read from and written to the database in the
 * caller's transaction (which holds the sweep's decision lock, `lockSweepDecisions`):
 * with `method: bayes` it proposes the next trial (TPE over the finished trials), up to
 * run_cap; with `early_terminate: hyperband` it decides at each rung whether a trial
 * goes on (ASHA). No state of its own: a restarted controller reads the same rows.
 */
export interface SweepController {
  readonly sweepId: string;
  readonly config: SweepConfig;
  /** Whether it proposes trials (bayes). */
  readonly proposes: boolean;
  readonly hyperband?: HyperbandRule;
  /** The next trial, inserted queued; none at run_cap or when nothing untried is left. */
  propose(tx: Queryable): Promise<TrialSpec | undefined>;
  /**
   * At a rung epoch, the trial's decision there: taken now and stored if there is none
   * yet, else the one stored before. Off the rungs nothing is read.
   */
  decideRung(tx: Queryable, event: EpochEvent, epochsPlanned: number): Promise<RungDecisionRow | undefined>;
  /** The trial spec of a stored (proposed) trial. */
  specOf(row: SearchHistoryRow): TrialSpec;
}

/** The sweep's controller, or none when the sweep is neither bayes nor hyperband. */
export function sweepController(config: SweepConfig, sweepId: string): SweepController | undefined {
  const { hyperband } = earlyTerminateRules(config.early_terminate);
  const proposes = config.method === "bayes";
  if (!proposes && !hyperband) return undefined;
  const space = searchSpace(config.parameters);
  const runCap = config.run_cap ?? 0;
  const seed = config.seed ?? config.training.seed;
  const metric = rungMetric(config.metric.name);

  async function propose(tx: Queryable): Promise<TrialSpec | undefined> {
    if (!proposes) return undefined;
    const history = await searchHistory(tx, sweepId);
    if (history.length >= runCap) return undefined;
    const keys = new Set(history.map((row) => row.key));
    const observations: Observation[] = history
      .filter((row) => TERMINAL_TRIAL_STATUSES.includes(row.status))
      .map((row) => ({ point: trialPoint(config, row.params), value: row.metric_value, step: row.last_epoch }));
    let trial: TrialSpec | undefined;
    const accept = (point: Record<string, unknown>) => {
      try {
        trial = resolvePoint(config, sweepId, history.length, pointOverrides(point));
      } catch (error) {
        if (isUsageError(error)) return false; // a point whose model collapses: not a trial
        throw error;
      }
      return !keys.has(trial.key);
    };
    const point = proposeTrial(space, observations, {
      goal: config.metric.goal,
      seed,
      startupTrials: startupTrialsFor(runCap),
      accept,
    });
    if (!point || !trial) return undefined;
    await insertTrials(tx, [trial]);
    await refreshSweepStatus(tx, [sweepId], { reopen: false });
    return trial;
  }

  async function decideRung(tx: Queryable, event: EpochEvent, epochsPlanned: number) {
    if (!hyperband) return undefined;
    const { epoch } = event.metrics;
    const question = { rule: hyperband, epochs: epochsPlanned, epoch, metric, goal: config.metric.goal };
    if (rungDecision({ ...question, value: 0, others: [] }).action === "none") return undefined;
    const reached = await epochMetricOfSweep(tx, sweepId, epoch, metric);
    const others = reached.filter((row) => row.trial_id !== event.trialId).map((row) => row.value);
    const decision = rungDecision({ ...question, value: event.metrics[metric], others });
    if (decision.action === "none") return undefined;
    return recordRungDecision(tx, {
      trialId: event.trialId,
      epoch,
      rung: decision.rung,
      action: decision.action,
      reason: decision.action === "prune" ? decision.reason : null,
    });
  }

  return {
    sweepId,
    config,
    proposes,
    hyperband,
    propose,
    decideRung,
    specOf: (row) => resolvePoint(config, sweepId, row.ordinal, pointOverrides(trialPoint(config, row.params))),
  };
}
