import { rungsFor } from "@sweep/core";
import { type RungDecisionRow, sql, sweepById, sweepRungDecisions } from "@sweep/store";
import { expect } from "vitest";
import { sleep } from "./servers.js";
import type { FaultPipeline } from "./sweep.js";

/** The adaptive sweep of faults 16 and 17: bayes proposals up to run_cap, hyperband rungs, synthetic trials. */
export interface AdaptiveShape {
  runCap: number;
  epochs: number;
  epochMs: number;
  minIter: number;
  eta: number;
}

/**
 * A bayes + hyperband config. Bayes proposes points of `parameters`; every trial takes
 * the config's `dataset`, so the synthetic knobs ride in `dataset.source`. The metric is
 * val_loss, which the synthetic trainer makes depend on the trial's ordinal (ASHA prunes).
 */
export function adaptiveYaml(name: string, shape: AdaptiveShape): string {
  return [
    `name: ${name}`,
    "method: bayes",
    `run_cap: ${shape.runCap}`,
    "metric: { name: val_loss, goal: minimize }",
    "model: { conv: [{ filters: 4 }], dense: [] }",
    `dataset: { source: "synthetic:epoch_ms=${shape.epochMs}" }`,
    `training: { epochs: ${shape.epochs} }`,
    "parameters:",
    "  training.learning_rate: { min: 0.001, max: 1, distribution: log_uniform_values }",
    `early_terminate: { type: hyperband, min_iter: ${shape.minIter}, eta: ${shape.eta} }`,
    "",
  ].join("\n");
}

/** Polls until the sweep is completed with `runCap` trials or `timeoutMs` passes; never throws on timeout. */
export async function waitForSweepCompleted(p: FaultPipeline, sweepId: string, runCap: number, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const sweep = await sweepById(p.database, sweepId);
    const [row] = await p.database.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM trials WHERE sweep_id = ${sweepId}`,
    );
    if ((sweep?.status === "completed" && row?.n === runCap) || Date.now() > deadline) return;
    await sleep(200);
  }
}

/** A span with no `sweep serve` up: an order decided before it may have died with the serve. */
export interface ServeDown {
  from: Date;
  to: Date;
}

export interface AdaptiveFigures {
  sweepStatus: string;
  trials: number;
  distinctKeys: number;
  /** The trials' ordinals, in order (0..run_cap-1 when nothing was proposed twice). */
  ordinals: number[];
  completed: number;
  pruned: number;
  /** Trials neither completed nor pruned: `name status`. */
  others: string[];
  decisions: number;
  prunes: number;
  /** Pruned trials without exactly one prune decision, or recorded with another reason or before its rung: `name`. */
  prunedWithoutItsDecision: string[];
  /** Rung epochs recorded before any prune of their trial with no decision there: `name@epoch`. */
  undecidedRungs: string[];
  /** Rung epochs recorded late, after a later rung pruned their trial (held by a serve that died). */
  rungEpochsAfterLaterPrune: number;
  /** Trials with more than one prune decision (one prune per trial): `name`. */
  prunedTwice: string[];
  /** Prunes that reached NATS while their trial still had `graceMs` of training left, yet it completed. */
  notHonoured: string[];
  /** Prunes whose trial completed first (ended while no serve was up, or within `graceMs` of the decision). */
  tooLate: number;
}

interface TrialRow extends Record<string, unknown> {
  id: string;
  name: string;
  ordinal: number;
  key: string;
  status: string;
  error: string | null;
  finished_at: Date | null;
}

/**
 * The adaptive faults' figures, read after the recorder drained. A prune counts as due
 * (must be honoured) when its trial finished more than `graceMs` after the order could
 * go out: the decision, or the end of a serve outage the decision preceded (the order
 * may have died with the serve; the restarted serve's reconcile sends it again).
 */
export async function adaptiveFigures(
  p: FaultPipeline,
  sweepId: string,
  shape: AdaptiveShape,
  options: { graceMs: number; serveDown?: ServeDown[] },
): Promise<AdaptiveFigures> {
  await p.waitForRecorderDrained();
  const db = p.database;
  const trials = await db.query<TrialRow>(
    sql`SELECT id, name, ordinal, key, status, error, finished_at FROM trials WHERE sweep_id = ${sweepId} ORDER BY ordinal`,
  );
  const decisions = await sweepRungDecisions(db, sweepId);
  const rungs = rungsFor({ type: "hyperband", min_iter: shape.minIter, eta: shape.eta }, shape.epochs);
  const onRungs = await db.query<{ trial_id: string; epoch: number; recorded_at: Date }>(
    sql`SELECT e.trial_id, e.epoch, e.recorded_at FROM epochs e JOIN trials t ON t.id = e.trial_id
        WHERE t.sweep_id = ${sweepId} AND e.epoch = ANY(${rungs}::int[])`,
  );
  const byId = new Map(trials.map((trial) => [trial.id, trial]));
  const prunes = decisions.filter((d) => d.action === "prune");
  const decided = new Set(decisions.map((d) => `${d.trialId}@${d.epoch}`));
  // A rung epoch decides nothing once its trial was pruned: at an earlier rung, or (an
  // epoch redelivered late) by a prune committed before the epoch was recorded.
  const prunedBefore = (row: (typeof onRungs)[number]) =>
    prunes.some(
      (d) => d.trialId === row.trial_id && (d.epoch < row.epoch || d.decidedAt.getTime() < row.recorded_at.getTime()),
    );
  const undecided = onRungs.filter((row) => !decided.has(`${row.trial_id}@${row.epoch}`));
  const undecidedRungs = undecided
    .filter((row) => !prunedBefore(row))
    .map((row) => `${byId.get(row.trial_id)?.name}@${row.epoch}`);
  const rungEpochsAfterLaterPrune = undecided.filter((row) =>
    prunes.some((d) => d.trialId === row.trial_id && d.epoch > row.epoch && prunedBefore(row)),
  ).length;
  const prunedTwice = trials
    .filter((trial) => prunes.filter((d) => d.trialId === trial.id).length > 1)
    .map((trial) => trial.name);
  const prunedWithoutItsDecision = trials
    .filter((trial) => trial.status === "pruned")
    .filter((trial) => {
      const [its, ...more] = prunes.filter((d) => d.trialId === trial.id);
      // "pruned at epoch N: <the decision's reason>", N the epoch it stopped at (the rung's or later).
      const stoppedAt = Number(/^pruned at epoch (\d+): /.exec(trial.error ?? "")?.[1]);
      return (
        !its ||
        more.length > 0 ||
        trial.error !== `pruned at epoch ${stoppedAt}: ${its.reason}` ||
        stoppedAt < its.epoch
      );
    })
    .map((trial) => trial.name);
  const { notHonoured, tooLate } = honouredPrunes(prunes, byId, options);
  return {
    sweepStatus: (await sweepById(db, sweepId))?.status ?? "missing",
    trials: trials.length,
    distinctKeys: new Set(trials.map((trial) => trial.key)).size,
    ordinals: trials.map((trial) => trial.ordinal),
    completed: trials.filter((trial) => trial.status === "completed").length,
    pruned: trials.filter((trial) => trial.status === "pruned").length,
    others: trials.filter((t) => t.status !== "completed" && t.status !== "pruned").map((t) => `${t.name} ${t.status}`),
    decisions: decisions.length,
    prunes: prunes.length,
    prunedWithoutItsDecision,
    undecidedRungs,
    rungEpochsAfterLaterPrune,
    prunedTwice,
    notHonoured,
    tooLate,
  };
}

/** Prunes of trials that completed: not honoured when it had `graceMs` left after the order could go out, else too late. */
function honouredPrunes(
  prunes: readonly RungDecisionRow[],
  byId: ReadonlyMap<string, TrialRow>,
  options: { graceMs: number; serveDown?: ServeDown[] },
): { notHonoured: string[]; tooLate: number } {
  const notHonoured: string[] = [];
  let tooLate = 0;
  for (const prune of prunes) {
    const trial = byId.get(prune.trialId);
    if (trial?.status !== "completed" || !trial.finished_at) continue;
    const finished = trial.finished_at.getTime();
    let sendable = prune.decidedAt.getTime();
    for (const down of options.serveDown ?? []) {
      if (sendable < down.to.getTime() && finished > down.from.getTime())
        sendable = Math.max(sendable, down.to.getTime());
    }
    if (finished > sendable + options.graceMs) notHonoured.push(`${trial.name} (rung epoch ${prune.epoch})`);
    else tooLate++;
  }
  return { notHonoured, tooLate };
}

/** `trials N (C completed, P pruned), decisions D (prunes X), undecided rungs U, prunes not honoured H, prunes too late L`. */
export function describeAdaptiveFigures(f: AdaptiveFigures): string {
  return `sweep ${f.sweepStatus}, trials ${f.trials} (${f.completed} completed, ${f.pruned} pruned, distinct keys ${f.distinctKeys}), rung decisions ${f.decisions} (prunes ${f.prunes}), undecided rungs ${f.undecidedRungs.length} (rung epochs recorded after a later rung's prune ${f.rungEpochsAfterLaterPrune}), trials pruned twice ${f.prunedTwice.length}, pruned trials without their one decision ${f.prunedWithoutItsDecision.length}, prunes not honoured ${f.notHonoured.length}, prunes too late ${f.tooLate}`;
}

/** What every adaptive fault asserts: run_cap distinct trials, every rung decided once, every due prune honoured. */
export function expectSearchKept(f: AdaptiveFigures, runCap: number): void {
  expect(f.sweepStatus).toBe("completed");
  expect(f.trials).toBe(runCap);
  expect(f.distinctKeys).toBe(runCap);
  expect(f.ordinals).toEqual([...Array(runCap).keys()]);
  expect(f.others).toEqual([]);
  expect(f.pruned).toBeGreaterThan(0);
  expect(f.undecidedRungs).toEqual([]);
  expect(f.prunedTwice).toEqual([]);
  expect(f.prunedWithoutItsDecision).toEqual([]);
  expect(f.notHonoured).toEqual([]);
}
