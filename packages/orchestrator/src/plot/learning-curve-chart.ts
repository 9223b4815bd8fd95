import { describeParams, type TrialView } from "@sweep/dashboard-tui";
import type { TopLevelSpec } from "vega-lite";
import { CHART_FONT } from "./render-chart.js";

const BEST_COLOR = "#2a9d3f";
const OVERFIT_COLOR = "#d62728";

/**
 * One trial's learning curve: loss and val_loss by epoch, a green rule at the best
 * epoch (lowest val_loss) and a red one where overfitting began.
 */
export function learningCurveSpec(trial: TrialView): TopLevelSpec {
  const points = trial.curve.flatMap((p) => [
    { epoch: p.epoch, series: "loss", value: p.loss },
    { epoch: p.epoch, series: "val_loss", value: p.valLoss },
  ]);
  const epochs = trial.curve.map((p) => p.epoch);
  const middle = (Math.min(...epochs) + Math.max(...epochs)) / 2;
  // Past the middle a label right of its rule would run into the legend: it ends at the rule there.
  const mark = (epoch: number, label: string, color: string, labelY: number) =>
    epochMark(epoch, label, color, labelY, epoch > middle ? "right" : "left");
  const marks = [
    ...(trial.bestEpoch === null ? [] : [mark(trial.bestEpoch, `best: epoch ${trial.bestEpoch}`, BEST_COLOR, 4)]),
    ...(trial.overfitEpoch === null
      ? []
      : [mark(trial.overfitEpoch, `overfit from epoch ${trial.overfitEpoch}`, OVERFIT_COLOR, 22)]),
  ];
  const accuracy = trial.testAccuracy === null ? "" : `, test accuracy ${(trial.testAccuracy * 100).toFixed(2)}%`;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: `${trial.name}: loss and val_loss by epoch`,
      subtitle: `${describeParams(trial.params, ", ")} (${trial.status}${accuracy})`,
    },
    width: 560,
    height: 300,
    config: { font: CHART_FONT },
    layer: [
      {
        data: { values: points },
        mark: { type: "line", point: true },
        encoding: {
          x: { field: "epoch", type: "quantitative", axis: { tickMinStep: 1, format: "d" } },
          y: { field: "value", type: "quantitative", title: "loss (categorical cross-entropy)" },
          color: { field: "series", type: "nominal", title: null, scale: { range: ["#1f77b4", "#ff7f0e"] } },
        },
      },
      ...marks.flat(),
    ],
  } as TopLevelSpec;
}

/**
 * A dashed vertical rule at `epoch` with its label `labelY` px below the top, in one
 * colour; `align` "left" starts the label just right of the rule, "right" ends it just left.
 */
function epochMark(epoch: number, label: string, color: string, labelY: number, align: "left" | "right") {
  const data = { values: [{ epoch, label }] };
  const x = { field: "epoch", type: "quantitative" } as const;
  return [
    { data, mark: { type: "rule", color, strokeDash: [6, 4], strokeWidth: 1.5 }, encoding: { x } },
    {
      data,
      mark: {
        type: "text",
        color,
        align,
        dx: align === "left" ? 4 : -4,
        baseline: "top",
        y: labelY,
        fontWeight: "bold",
      },
      encoding: { x, text: { field: "label" } },
    },
  ];
}
