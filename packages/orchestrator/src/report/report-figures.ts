import { PRINTABLE_LENGTH, printable } from "@sweep/core";
import type { TrialView } from "@sweep/dashboard-tui";
import { modelDiagramSvg } from "../models/model-diagram.js";
import type { TrialModelSummary } from "../models/trial-summary.js";
import { safeFileName } from "../output/output-files.js";
import { valLossComparisonSpec } from "../plot/comparison-chart.js";
import { learningCurveSpec } from "../plot/learning-curve-chart.js";
import { chartSvg } from "../plot/render-chart.js";
import { svgToPng } from "../plot/svg-to-png.js";
import { parameterChartSpec } from "./parameter-chart.js";
import type { ParameterEffect } from "./parameter-effects.js";

/** One picture of the report, as SVG (inlined in HTML) and PNG (beside the Markdown), and its file name. */
export interface Figure {
  /** File name without extension, unique in the report. */
  file: string;
  alt: string;
  svg: string;
  /** Rasterised on demand (at 2×, as `sweep plot` and `sweep models` do): only the Markdown needs it. */
  png(): Buffer;
}

function figure(file: string, alt: string, svg: string): Figure {
  return { file, alt, svg, png: () => svgToPng(svg) };
}

export interface TrialFigures {
  diagram: Figure | null;
  curve: Figure | null;
}

export interface ReportFigures {
  trials: Map<string, TrialFigures>;
  comparison: Figure | null;
  parameters: Map<string, Figure>;
}

export interface FigureRequest {
  sweepName: string;
  /** The trials that get a section, in ranking order. */
  trials: readonly TrialView[];
  models: Map<string, TrialModelSummary>;
  effects: readonly ParameterEffect[];
}

const text = (value: string) => printable(value, PRINTABLE_LENGTH.cell);

/**
 * Draws the report's pictures with the renderers `sweep models` and `sweep plot` use:
 * each section trial's model diagram and learning curve, the val_loss comparison of
 * the section trials, and the metric by value of each swept parameter. Names read
 * from the database are made printable first, as `sweep plot` does.
 */
export async function renderReportFigures(request: FigureRequest): Promise<ReportFigures> {
  const shown = request.trials.map((t) => ({ ...t, id: text(t.id), name: text(t.name), status: text(t.status) }));
  const trials = new Map<string, TrialFigures>();
  for (const [index, trial] of request.trials.entries()) {
    const view = shown[index] as TrialView;
    const base = `t${index + 1}-${safeFileName(trial.id, "trial")}`;
    const model = request.models.get(trial.id);
    const diagram = model
      ? await modelDiagramSvg({ ...model, trial: { ...model.trial, name: text(model.trial.name) } })
      : null;
    const curve = trial.curve.length > 0 ? await chartSvg(learningCurveSpec(view)) : null;
    trials.set(trial.id, {
      diagram: diagram && figure(`${base}-model`, `model of ${view.name}`, diagram.svg),
      curve: curve === null ? null : figure(`${base}-curve`, `loss and val_loss of ${view.name}`, curve),
    });
  }
  const plotted = shown.filter((t) => t.curve.length > 0);
  const comparison =
    plotted.length > 0
      ? figure(
          "val-loss-comparison",
          "val_loss by epoch of every trial shown",
          await chartSvg(valLossComparisonSpec(text(request.sweepName), plotted)),
        )
      : null;
  const parameters = new Map<string, Figure>();
  for (const [index, effect] of request.effects.entries()) {
    if (effect.values.length === 0) continue;
    const file = `p${index + 1}-${safeFileName(effect.path, "parameter")}`;
    parameters.set(
      effect.path,
      figure(file, `best val_loss by ${text(effect.path)}`, await chartSvg(parameterChartSpec(effect))),
    );
  }
  return { trials, comparison, parameters };
}
