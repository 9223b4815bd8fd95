import type { SweepConfig } from "../sweep-config.js";
import { earlyTerminateRules } from "../training-spec.js";
import { isTerminal } from "../trial.js";
import { rungsFor } from "./asha.js";

/** What the progress lines of an adaptive sweep take from its config (the dashboard's snapshot carries it). */
export interface AdaptiveSearch {
  /** `method: bayes`: the most trials it proposes; null when the sweep does not propose. */
  runCap: number | null;
  /** `early_terminate: hyperband`: eta and the rung epochs (`rungsFor` the sweep's epochs); null without it. */
  hyperband: { eta: number; rungEpochs: number[] } | null;
}

/** A stored rung decision as the progress lines read it (the store's `RungDecisionRow` is one). */
export interface DecidedRung {
  /** The rung's epoch. */
  epoch: number;
  /** 1 at min_iter, 2 at min_iter·eta, … */
  rung: number;
  action: "continue" | "prune";
}

/** The search of a sweep that has a controller (bayes, hyperband); null for any other. */
export function adaptiveSearchOf(config: SweepConfig): AdaptiveSearch | null {
  const { hyperband } = earlyTerminateRules(config.early_terminate);
  const runCap = config.method === "bayes" ? (config.run_cap ?? 0) : null;
  if (runCap === null && !hyperband) return null;
  return {
    runCap,
    hyperband: hyperband ? { eta: hyperband.eta, rungEpochs: rungsFor(hyperband, config.training.epochs) } : null,
  };
}

/** `r2`: a rung as the progress lines and the dashboard's rung column name it. */
export function rungName(rung: number): string {
  return `r${rung}`;
}

/**
 * The progress lines of an adaptive sweep, as `sweep status` and the dashboard print
 * them: for bayes `bayes: 9 of run_cap 20 proposed, 2 running, 6 finished` (every
 * trial of the sweep was proposed); for hyperband
 * `hyperband eta 3: r1 @ epoch 1: 9 reached, 6 pruned · r2 @ epoch 3: 3 reached, 1 pruned`,
 * from the stored decisions alone: a trial reached a rung when it has a decision at
 * the rung's epoch, and was pruned there when that decision is `prune` (a trial the
 * overfit rule pruned has no such decision).
 */
export function describeSearchProgress(
  search: AdaptiveSearch,
  statuses: readonly string[],
  decisions: readonly DecidedRung[],
): string[] {
  const lines: string[] = [];
  if (search.runCap !== null) {
    const running = statuses.filter((status) => status === "running").length;
    const finished = statuses.filter(isTerminal).length;
    lines.push(
      `bayes: ${statuses.length} of run_cap ${search.runCap} proposed, ${running} running, ${finished} finished`,
    );
  }
  if (search.hyperband) lines.push(describeRungs(search.hyperband, decisions));
  return lines;
}

function describeRungs(hyperband: NonNullable<AdaptiveSearch["hyperband"]>, decisions: readonly DecidedRung[]): string {
  const { eta, rungEpochs } = hyperband;
  if (rungEpochs.length === 0) return `hyperband eta ${eta}: no rung before the last epoch`;
  const rungs = rungEpochs.map((epoch, index) => {
    const there = decisions.filter((decision) => decision.epoch === epoch);
    const pruned = there.filter((decision) => decision.action === "prune").length;
    return `${rungName(index + 1)} @ epoch ${epoch}: ${there.length} reached, ${pruned} pruned`;
  });
  return `hyperband eta ${eta}: ${rungs.join(" · ")}`;
}
