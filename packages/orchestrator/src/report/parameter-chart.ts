import { PRINTABLE_LENGTH, printable } from "@sweep/core";
import type { TopLevelSpec } from "vega-lite";
import { CHART_FONT } from "../plot/render-chart.js";
import type { ParameterEffect } from "./parameter-effects.js";

/**
 * One swept parameter's effect: a row per value (best value on top), a bar from the
 * best to the worst trial's best val_loss, a dot at the median and the trial count.
 */
export function parameterChartSpec(effect: ParameterEffect): TopLevelSpec {
  const rows = effect.values.map((v) => ({
    ...v,
    value: printable(v.value, PRINTABLE_LENGTH.value),
    label: `${v.trials} trial${v.trials === 1 ? "" : "s"}`,
  }));
  const y = { field: "value", type: "nominal", sort: rows.map((r) => r.value), title: null } as const;
  const x = { type: "quantitative", scale: { zero: false }, title: "best val_loss (range, ● median)" } as const;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: `${printable(effect.path, PRINTABLE_LENGTH.value)}: best val_loss by value` },
    width: 480,
    height: { step: 26 },
    config: { font: CHART_FONT },
    data: { values: rows },
    layer: [
      {
        mark: { type: "rule", strokeWidth: 6, color: "#9ecae1", strokeCap: "round" },
        encoding: { y, x: { ...x, field: "best" }, x2: { field: "worst" } },
      },
      {
        mark: { type: "point", filled: true, size: 60, color: "#1f77b4" },
        encoding: { y, x: { ...x, field: "median" } },
      },
      {
        mark: { type: "text", align: "left", dx: 8, color: "#44546a" },
        encoding: { y, x: { ...x, field: "worst" }, text: { field: "label" } },
      },
    ],
  } as TopLevelSpec;
}
