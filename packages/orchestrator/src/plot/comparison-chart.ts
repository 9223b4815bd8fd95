import type { TrialView } from "@sweep/dashboard-tui";
import type { TopLevelSpec } from "vega-lite";
import { CHART_FONT } from "./render-chart.js";

/**
 * Every variant's val_loss by epoch on one chart, one colour per variant, with a
 * filled point at each variant's best epoch and a cross where it began to overfit.
 * Variants are listed in ranking order.
 */
export function valLossComparisonSpec(sweepName: string, trials: readonly TrialView[]): TopLevelSpec {
  const order = trials.map((t) => t.name);
  const lines = trials.flatMap((t) => t.curve.map((p) => ({ variant: t.name, epoch: p.epoch, val_loss: p.valLoss })));
  const valLossAt = (t: TrialView, epoch: number | null) => t.curve.find((p) => p.epoch === epoch)?.valLoss;
  const best = trials.flatMap((t) =>
    t.bestEpoch === null ? [] : [{ variant: t.name, epoch: t.bestEpoch, val_loss: valLossAt(t, t.bestEpoch) }],
  );
  const overfit = trials.flatMap((t) =>
    t.overfitEpoch === null ? [] : [{ variant: t.name, epoch: t.overfitEpoch, val_loss: valLossAt(t, t.overfitEpoch) }],
  );
  const x = { field: "epoch", type: "quantitative", axis: { tickMinStep: 1, format: "d" } } as const;
  const y = { field: "val_loss", type: "quantitative", scale: { zero: false } } as const;
  // 20 colours before any repeats, and whole names: variants often differ only at the end of theirs.
  const color = {
    field: "variant",
    type: "nominal",
    sort: order,
    title: "variant (by rank)",
    scale: { scheme: "tableau20" },
    legend: { labelLimit: 480 },
  } as const;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: `${sweepName}: val_loss by epoch`, subtitle: "● best epoch   + overfitting begins" },
    width: 640,
    height: 360,
    config: { font: CHART_FONT },
    layer: [
      { data: { values: lines }, mark: { type: "line", strokeWidth: 1.5 }, encoding: { x, y, color } },
      { data: { values: best }, mark: { type: "point", filled: true, size: 70 }, encoding: { x, y, color } },
      {
        data: { values: overfit },
        mark: { type: "point", shape: "cross", size: 90, filled: true },
        encoding: { x, y, color },
      },
    ],
  } as TopLevelSpec;
}
