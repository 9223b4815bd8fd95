import type { EpochPoint } from "./snapshot.js";

export const LOSS_MARK = "○";
export const VAL_LOSS_MARK = "●";
export const BEST_MARK = "B";
export const OVERFIT_MARK = "O";

export interface CurveChartMarks {
  bestEpoch: number | null;
  overfitEpoch: number | null;
}

/**
 * A small text chart of loss (○) and val_loss (●) by epoch: `height` rows of plot,
 * an axis, a marker row with B under the best epoch and O under the first
 * overfitting epoch, and the first and last epoch numbers under the axis.
 */
export function curveChart(
  curve: readonly EpochPoint[],
  marks: CurveChartMarks,
  width: number,
  height: number,
): string[] {
  if (curve.length === 0) return ["no finished epoch yet"];
  const values = curve.flatMap((p) => [p.loss, p.valLoss]);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const labelWidth = Math.max(max.toFixed(4).length, min.toFixed(4).length);
  const plotWidth = Math.max(curve.length, width - labelWidth - 2);
  const firstEpoch = curve[0].epoch;
  const lastEpoch = curve[curve.length - 1].epoch;
  const column = (epoch: number) =>
    lastEpoch === firstEpoch ? 0 : Math.round(((epoch - firstEpoch) / (lastEpoch - firstEpoch)) * (plotWidth - 1));
  const row = (value: number) => (max === min ? height - 1 : Math.round(((max - value) / (max - min)) * (height - 1)));

  const grid = Array.from({ length: height }, () => Array<string>(plotWidth).fill(" "));
  for (const point of curve) grid[row(point.loss)][column(point.epoch)] = LOSS_MARK;
  for (const point of curve) grid[row(point.valLoss)][column(point.epoch)] = VAL_LOSS_MARK;

  const lines = grid.map((cells, i) => {
    const label = i === 0 ? max.toFixed(4) : i === height - 1 ? min.toFixed(4) : "";
    return `${label.padStart(labelWidth)} ${i === 0 || i === height - 1 ? "┤" : "│"}${cells.join("")}`;
  });
  const pad = " ".repeat(labelWidth + 1);
  lines.push(`${pad}└${"─".repeat(plotWidth)}`);
  const markerRow = Array<string>(plotWidth).fill(" ");
  if (marks.overfitEpoch !== null) markerRow[column(marks.overfitEpoch)] = OVERFIT_MARK;
  if (marks.bestEpoch !== null) markerRow[column(marks.bestEpoch)] = BEST_MARK;
  lines.push(`${pad} ${markerRow.join("").trimEnd()}`);
  const last = String(lastEpoch);
  lines.push(`${pad} ${String(firstEpoch).padEnd(plotWidth - last.length)}${last}`);
  return lines;
}
