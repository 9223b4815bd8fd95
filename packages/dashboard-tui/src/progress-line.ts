import { formatDuration, formatLoss } from "./format.js";
import type { DashboardSnapshot } from "./snapshot.js";
import { sweepProgress } from "./sweep-progress.js";

/**
 * One plain line of progress for a stdout that is not a terminal (logs, CI):
 * `mnist-variants running: trials 3/6, epochs 40/120, best model5 val_loss 0.0224 @6, elapsed 3m05s, ETA 2m10s`.
 */
export function progressLine(snapshot: DashboardSnapshot): string {
  if (!snapshot.sweep) return "no sweep yet";
  const p = sweepProgress(snapshot);
  const leader = snapshot.trials.find((t) => t.rank === 1);
  const best = leader ? `, best ${leader.name} val_loss ${formatLoss(leader.bestValLoss)} @${leader.bestEpoch}` : "";
  const eta = p.etaMs === null ? "" : p.etaMs === 0 ? ", done" : `, ETA ${formatDuration(p.etaMs)}`;
  return `${snapshot.sweep.name} ${snapshot.sweep.status}: trials ${p.trialsDone}/${p.trialsTotal}, epochs ${p.epochsDone}/${p.epochsTotal}${best}, elapsed ${formatDuration(p.elapsedMs)}${eta}`;
}
