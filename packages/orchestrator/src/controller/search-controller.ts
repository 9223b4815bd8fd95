import {
  earlyTerminateRules,
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
  refreshSweepStatus,
  type SearchHistoryRow,
  type SweepDatabase,
  searchHistory,
} from "@sweep/store";

/**
 * The loop that reacts to a sweep's results: with `method: bayes` it proposes the
 * next trial (TPE over the finished trials) whenever one is asked for, up to run_cap;
 * with `early_terminate: hyperband` it decides, after each recorded epoch, whether the
 * trial stops at that rung (ASHA). Its state is the database: a restarted controller
 * reads the sweep's trials and epochs again and continues.
 */
export interface SearchController {
  /** Whether it proposes trials (bayes). */
  readonly proposes: boolean;
  /** The trials it proposed before (a resumed sweep), as specs to train. */
  proposedTrials(): Promise<TrialSpec[]>;
  /** The next trial, recorded queued; none when run_cap is reached or nothing untried is left. */
  next(): Promise<TrialSpec | undefined>;
  /** After an epoch is recorded: the reason to prune the trial at this rung, or none. */
  afterEpoch(event: Extract<TrialEvent, { type: "epoch" }>, trial: TrialSpec): Promise<string | undefined>;
}

/** The sweep's controller, or none when the sweep is neither bayes nor hyperband. */
export function searchController(
  database: SweepDatabase,
  config: SweepConfig,
  sweepId: string,
): SearchController | undefined {
  const { hyperband } = earlyTerminateRules(config.early_terminate);
  const proposes = config.method === "bayes";
  if (!proposes && !hyperband) return undefined;
  const space = searchSpace(config.parameters);
  const runCap = config.run_cap ?? 0;
  const seed = config.seed ?? config.training.seed;
  const specOf = (row: SearchHistoryRow) =>
    resolvePoint(config, sweepId, row.ordinal, pointOverrides(trialPoint(config, row.params)));
  // One proposal at a time: two free threads must not propose from the same history at once.
  let proposing: Promise<unknown> = Promise.resolve();

  async function propose(): Promise<TrialSpec | undefined> {
    const history = await searchHistory(database, sweepId);
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
    const proposed: TrialSpec = trial;
    await database.transaction(async (tx) => {
      await insertTrials(tx, [proposed]);
      await refreshSweepStatus(tx, [sweepId], { reopen: false });
    });
    return proposed;
  }

  return {
    proposes,
    async proposedTrials() {
      if (!proposes) return [];
      return (await searchHistory(database, sweepId)).map(specOf);
    },
    next() {
      if (!proposes) return Promise.resolve(undefined);
      const proposal = proposing.then(propose);
      proposing = proposal.catch(() => {});
      return proposal;
    },
    async afterEpoch(event, trial) {
      if (!hyperband) return undefined;
      const metric = rungMetric(config.metric.name);
      const { epoch } = event.metrics;
      const question = { rule: hyperband, epochs: trial.training.epochs, epoch, metric, goal: config.metric.goal };
      // Off the rungs nothing is read.
      if (rungDecision({ ...question, value: 0, others: [] }).action === "none") return undefined;
      const reached = await epochMetricOfSweep(database, sweepId, epoch, metric);
      const others = reached.filter((row) => row.trial_id !== trial.id).map((row) => row.value);
      const decision = rungDecision({ ...question, value: event.metrics[metric], others });
      return decision.action === "prune" ? decision.reason : undefined;
    },
  };
}
