import type { TrialRankingRow } from "@sweep/store";
import { type Column, readableNumber } from "./format-rows.js";

/**
 * The column of the sweep's metric, for ranking tables: none when the metric is the
 * default (val_loss, minimized: the tables show best val_loss already), else one headed
 * `<metric> ↑` (maximize) or `↓`, with each trial's `metric_value`.
 */
export function metricColumns(rows: readonly TrialRankingRow[]): Column<TrialRankingRow>[] {
  const first = rows[0];
  if (!first?.metric_name || (first.metric_name === "val_loss" && first.metric_goal === "minimize")) return [];
  const arrow = first.metric_goal === "maximize" ? "↑" : "↓";
  return [
    {
      header: `${first.metric_name} ${arrow}`,
      value: (r) => (r.metric_value === null ? "" : readableNumber(r.metric_value)),
    },
  ];
}

/** `columns` with the metric's column after `status` (see `metricColumns`). */
export function withMetric(
  columns: readonly Column<TrialRankingRow>[],
  rows: readonly TrialRankingRow[],
): Column<TrialRankingRow>[] {
  const at = columns.findIndex((column) => column.header === "status") + 1;
  return [...columns.slice(0, at), ...metricColumns(rows), ...columns.slice(at)];
}
