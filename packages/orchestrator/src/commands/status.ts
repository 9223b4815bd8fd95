import { TRIAL_STATUSES } from "@sweep/core";
import {
  getSweep,
  type KeptWeightsListing,
  listSweeps,
  listWorkers,
  type SweepDatabase,
  type SweepSummary,
  sweepEpochTotals,
  sweepKeptWeights,
  type TrialRankingRow,
  trialRankingPage,
  type WorkerListing,
} from "@sweep/store";
import type { Command } from "commander";
import { describeSearchStatus } from "../controller/search-status.js";
import { formatBytes } from "../export/export-trial.js";
import { type Column, formatTable, readableNumber } from "../output/format-rows.js";
import { withDatabase, withDatabaseOption } from "./database-option.js";
import { sweepArgument } from "./sweep-argument.js";

/** `sweep status [sweep] [--db URL]`. */
export function register(program: Command): void {
  withDatabaseOption(
    program
      .command("status")
      .description("Summarise a sweep (trials by status, progress, best trial) and the workers, stale ones marked.")
      .addArgument(sweepArgument({ defaultHelp: "the newest sweep" })),
  ).action(async (sweepRef: string | undefined, options: { db?: string }) => {
    process.stdout.write(await withDatabase(options, (db) => describeStatus(db, sweepRef)));
  });
}

/**
 * The text `sweep status` prints: counts and sums over the sweep's trials and its
 * rank-1 trial (through the ranking index), never every trial's row.
 */
export async function describeStatus(
  db: SweepDatabase,
  sweepRef: string | undefined,
  now = new Date(),
): Promise<string> {
  const sweep = await getSweep(db, sweepRef);
  const [summary] = await listSweeps(db, { sweepId: sweep.id });
  const totals = await sweepEpochTotals(db, sweep.id);
  const [best] = await trialRankingPage(db, sweep.id, { limit: 1 });
  const workers = await listWorkers(db, now);
  const counts = TRIAL_STATUSES.map((status) => `${status} ${summary?.[status] ?? 0}`).join(", ");
  const statuses = TRIAL_STATUSES.flatMap((status) => Array<string>(summary?.[status] ?? 0).fill(status));
  const lines = [
    `sweep ${sweep.name} (${sweep.id}): ${sweep.status}`,
    `  trials:   ${totals.trials} (${counts})`,
    `  progress: ${describeProgress(summary, totals)}`,
    `  best:     ${describeBest(best)}`,
    `  kept:     ${describeKept(await sweepKeptWeights(db, sweep.id))}`,
    ...(await describeSearchStatus(db, sweep, statuses)),
    "",
    workers.length === 0 ? "workers: none has reported" : `workers:\n${formatTable(workers, workerColumns(now))}`,
  ];
  return `${lines.join("\n").trimEnd()}\n`;
}

function describeProgress(
  summary: SweepSummary | undefined,
  totals: { trials: number; epochsDone: number; epochsPlanned: number },
): string {
  const open = (summary?.queued ?? 0) + (summary?.running ?? 0);
  const finished = totals.trials - open;
  const percent = totals.trials === 0 ? 100 : Math.floor((100 * finished) / totals.trials);
  return `${finished}/${totals.trials} trials finished (${percent}%), ${totals.epochsDone}/${totals.epochsPlanned} epochs recorded`;
}

/** What the sweep's trials kept (`training.keep_weights`): trials, files, total size, and what was not stored. */
function describeKept(kept: readonly KeptWeightsListing[]): string {
  const stored = kept.filter((row) => row.stored);
  if (kept.length === 0) return "no weights yet";
  const trials = new Set(stored.map((row) => row.trial_id)).size;
  const size = stored.reduce((sum, row) => sum + row.size_bytes, 0);
  const missing = kept.length - stored.length;
  const notStored =
    missing > 0 ? `; ${missing} not stored (sweep sql: SELECT * FROM kept_weights WHERE NOT stored)` : "";
  return `weights of ${trials} trials, ${stored.length} files, ${formatBytes(size)}${notStored}`;
}

function describeBest(best: TrialRankingRow | undefined): string {
  if (best?.rank == null || best.best_val_loss === null) return "none yet (no epoch recorded)";
  if (best.metric_name !== "val_loss" || best.metric_goal !== "minimize") {
    return `${best.trial_name}: ${best.metric_name} ${readableNumber(best.metric_value ?? Number.NaN)} (${best.metric_goal}d)`;
  }
  const overfit = best.overfit_epoch === null ? "no overfitting seen" : `overfits from epoch ${best.overfit_epoch}`;
  return `${best.trial_name}: val_loss ${readableNumber(best.best_val_loss)} @ epoch ${best.best_epoch}, ${overfit}`;
}

function workerColumns(now: Date): Column<WorkerListing>[] {
  return [
    { header: "worker", value: (w) => w.id },
    { header: "host", value: (w) => w.host },
    { header: "pid", value: (w) => w.pid },
    { header: "threads", value: (w) => w.threads },
    { header: "backend", value: (w) => w.backend },
    { header: "status", value: (w) => (w.stale ? `${w.status} (STALE)` : w.status) },
    { header: "trials", value: (w) => w.trials.length },
    { header: "images/s", value: (w) => Math.round(w.imagesPerS) },
    {
      header: "last seen",
      value: (w) => `${Math.max(0, Math.round((now.getTime() - w.lastSeen.getTime()) / 1000))}s ago`,
    },
  ];
}
