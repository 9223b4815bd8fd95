import type { MetricName, TrialStatus } from "@sweep/core";
import type { Queryable } from "./database.js";
import { sql } from "./sql.js";

/** A trial as the search controller sees it: what was tried, how far it got, its metric. */
export interface SearchHistoryRow extends Record<string, unknown> {
  trial_id: string;
  ordinal: number;
  key: string;
  params: Record<string, unknown>;
  status: TrialStatus;
  epochs_planned: number;
  /** Latest recorded epoch (0 before any). */
  last_epoch: number;
  /** `trial_ranking.metric_value`: its best value of the sweep's metric. */
  metric_value: number | null;
}

/** Every trial of the sweep, in ordinal order, with its key and metric (the controller's state). */
export function searchHistory(db: Queryable, sweepId: string): Promise<SearchHistoryRow[]> {
  return db.query<SearchHistoryRow>(sql`
    SELECT r.trial_id, r.ordinal, t.key, r.params, r.status, r.epochs_planned,
      coalesce(r.last_epoch, 0) AS last_epoch, r.metric_value
    FROM trial_ranking r JOIN trials t ON t.id = r.trial_id
    WHERE r.sweep_id = ${sweepId}
    ORDER BY r.ordinal`);
}

/**
 * One epoch's metric (`val_loss`, `val_accuracy`, `loss` or `accuracy`) of every trial
 * of the sweep that recorded that epoch: what a hyperband rung compares.
 */
export function epochMetricOfSweep(
  db: Queryable,
  sweepId: string,
  epoch: number,
  metric: Exclude<MetricName, "test_loss" | "test_accuracy">,
): Promise<Array<{ trial_id: string; value: number }>> {
  return db.query<{ trial_id: string; value: number }>(sql`
    SELECT e.trial_id,
      CASE ${metric}::text
        WHEN 'val_loss' THEN e.val_loss WHEN 'val_accuracy' THEN e.val_accuracy
        WHEN 'loss' THEN e.loss ELSE e.accuracy
      END AS value
    FROM epochs e JOIN trials t ON t.id = e.trial_id
    WHERE t.sweep_id = ${sweepId} AND e.epoch = ${epoch}
    ORDER BY t.ordinal`);
}

/** Each trial's planned epochs (where its rungs are), by trial id. */
export async function plannedEpochs(db: Queryable, trialIds: readonly string[]): Promise<Map<string, number>> {
  const rows = await db.query<{ id: string; epochs_planned: number }>(sql`
    SELECT id, epochs_planned FROM trials WHERE id = ANY(${[...trialIds]}::text[])`);
  return new Map(rows.map((row) => [row.id, row.epochs_planned]));
}

/** The configs of sweeps not yet finished (queued or running): those a search controller may still act on. */
export function unfinishedSweeps(db: Queryable): Promise<Array<{ id: string; config: unknown }>> {
  return db.query<{ id: string; config: unknown }>(sql`
    SELECT id, config FROM sweeps WHERE status IN ('queued', 'running') ORDER BY id`);
}

/**
 * The training threads of workers that sent a heartbeat within `freshMs` and are not
 * stopping: how many trials a controller keeps queued or running (at least 1).
 */
export async function liveWorkerThreads(db: Queryable, freshMs: number): Promise<number> {
  const [row] = await db.query<{ threads: number }>(sql`
    SELECT coalesce(sum(threads), 0)::int AS threads FROM workers
    WHERE status = 'running' AND last_seen > now() - make_interval(secs => ${freshMs / 1000})`);
  return Math.max(1, row?.threads ?? 0);
}
