import type { SweepConfig } from "../sweep-config.js";
import { isTerminal } from "../trial.js";
import { sweepSearch } from "./sweep-search.js";

/**
 * A sweep's search as its progress lines read it, in plain data (the dashboard's
 * snapshot carries it): what its proposer and rung schedule say of the whole sweep.
 */
export interface SearchOutline {
  /** The proposer's run_cap; null without a proposer. */
  proposer: { runCap: number } | null;
  /** The rung schedule's eta and rung epochs (of a trial of the sweep's training.epochs); null without one. */
  rungs: { eta: number; epochs: number[] } | null;
}

/** A stored rung decision as the progress lines read it (the store's `RungDecisionRow` is one). */
export interface DecidedRung {
  /** The rung's epoch. */
  epoch: number;
  /** 1 at min_iter, 2 at min_iter·eta, … */
  rung: number;
  action: "continue" | "prune";
}

/** The outline of a sweep's search; null for a sweep with neither a proposer nor rungs. */
export function searchOutline(config: SweepConfig): SearchOutline | null {
  const { proposer, rungs } = sweepSearch(config);
  if (!proposer && !rungs) return null;
  return {
    proposer: proposer ? { runCap: proposer.runCap } : null,
    rungs: rungs ? { eta: rungs.rule.eta, epochs: rungs.epochs(config.training.epochs) } : null,
  };
}

/** `r2`: a rung as the progress lines and the dashboard's rung column name it. */
export function rungName(rung: number): string {
  return `r${rung}`;
}

/**
 * The progress lines of a sweep's search, as `sweep status` and the dashboard print
 * them: with a proposer `bayes: 9 of run_cap 20 proposed, 2 running, 6 finished`
 * (every trial of the sweep was proposed); with rungs
 * `hyperband eta 3: r1 @ epoch 1: 9 reached, 6 pruned · r2 @ epoch 3: 3 reached, 1 pruned`,
 * from the stored decisions alone: a trial reached a rung when it has a decision at
 * the rung's epoch, and was pruned there when that decision is `prune` (a trial the
 * overfit rule pruned has no such decision).
 */
export function describeSearchProgress(
  search: SearchOutline,
  statuses: readonly string[],
  decisions: readonly DecidedRung[],
): string[] {
  const lines: string[] = [];
  if (search.proposer) {
    const running = statuses.filter((status) => status === "running").length;
    const finished = statuses.filter(isTerminal).length;
    lines.push(
      `bayes: ${statuses.length} of run_cap ${search.proposer.runCap} proposed, ${running} running, ${finished} finished`,
    );
  }
  if (search.rungs) lines.push(describeRungs(search.rungs, decisions));
  return lines;
}

function describeRungs(rungs: NonNullable<SearchOutline["rungs"]>, decisions: readonly DecidedRung[]): string {
  const { eta, epochs } = rungs;
  if (epochs.length === 0) return `hyperband eta ${eta}: no rung before the last epoch`;
  const lines = epochs.map((epoch, index) => {
    const there = decisions.filter((decision) => decision.epoch === epoch);
    const pruned = there.filter((decision) => decision.action === "prune").length;
    return `${rungName(index + 1)} @ epoch ${epoch}: ${there.length} reached, ${pruned} pruned`;
  });
  return `hyperband eta ${eta}: ${lines.join(" · ")}`;
}
