import type { SweepConfig } from "../sweep-config.js";
import { earlyTerminateRules, type HyperbandRule } from "../training-spec.js";
import { type RungDecision, type RungMetric, rungAt, rungDecision, rungMetric, rungsFor } from "./asha.js";
import { type SearchPoint, searchSpace } from "./search-space.js";
import { type Observation, proposeTrial, startupTrialsFor } from "./tpe.js";

/**
 * A sweep's search, built once from its config: a proposer (`method: bayes`) and a
 * rung schedule (`early_terminate: hyperband`), each present or absent, as Optuna
 * gives a study one sampler and one pruner. A sweep with neither has its trials
 * expanded in advance and runs each to its end (or its overfit epoch). Both parts are
 * pure: observations in, proposals and decisions out; the caller reads and stores them.
 */
export interface SweepSearch {
  readonly proposer?: Proposer;
  readonly rungs?: RungSchedule;
}

/** Proposes a sweep's trials one at a time from those observed (TPE), up to run_cap. */
export interface Proposer {
  /** The most trials the sweep has. */
  readonly runCap: number;
  /** Random trials before TPE models the observations (`startupTrialsFor`). */
  readonly startupTrials: number;
  /** The seed of its draws: the config's `seed`, else `training.seed`. */
  readonly seed: number;
  /**
   * The next trial (`proposeTrial`): the first point drawn that `resolve` makes a trial
   * of (undefined: not a trial, or one tried already). The same observations give the
   * same proposal; none when nothing acceptable is found.
   */
  propose<T>(observations: readonly Observation[], resolve: (point: SearchPoint) => T | undefined): T | undefined;
}

/** Asynchronous successive halving: at each rung a trial goes on only among the best of those that reached it. */
export interface RungSchedule {
  readonly rule: HyperbandRule;
  /** The epoch metric compared at a rung (`rungMetric` of the sweep's metric). */
  readonly metric: RungMetric;
  /** The rung epochs of a trial of `planned` epochs (`rungsFor`). */
  epochs(planned: number): number[];
  /** The rung (1, 2, …) at `epoch` of a trial of `planned` epochs; undefined off the rungs. */
  rungAt(epoch: number, planned: number): number | undefined;
  /** The decision at a rung (`rungDecision`): the trial's value there against the others'. */
  decide(at: { rung: number; epoch: number; value: number; others: readonly number[] }): RungDecision;
}

/** The search of a sweep: its proposer and rung schedule, each absent when the config asks for none. */
export function sweepSearch(config: SweepConfig): SweepSearch {
  const { hyperband } = earlyTerminateRules(config.early_terminate);
  return {
    ...(config.method === "bayes" ? { proposer: proposerOf(config) } : {}),
    ...(hyperband ? { rungs: rungScheduleOf(config, hyperband) } : {}),
  };
}

function proposerOf(config: SweepConfig): Proposer {
  const space = searchSpace(config.parameters);
  const runCap = config.run_cap ?? 0;
  const startupTrials = startupTrialsFor(runCap);
  const seed = config.seed ?? config.training.seed;
  const goal = config.metric.goal;
  return {
    runCap,
    startupTrials,
    seed,
    propose: (observations, resolve) => proposeTrial(space, observations, { goal, seed, startupTrials, resolve }),
  };
}

function rungScheduleOf(config: SweepConfig, rule: HyperbandRule): RungSchedule {
  const metric = rungMetric(config.metric.name);
  const goal = config.metric.goal;
  return {
    rule,
    metric,
    epochs: (planned) => rungsFor(rule, planned),
    rungAt: (epoch, planned) => rungAt(rule, planned, epoch),
    decide: (at) => rungDecision({ rule, metric, goal, ...at }),
  };
}
