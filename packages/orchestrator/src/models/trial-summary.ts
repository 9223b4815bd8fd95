import {
  type CollapsedPoint,
  expandSweep,
  type ModelSummary,
  type SweepConfig,
  summarizeModel,
  type TrialSpec,
} from "@sweep/core";

/** A trial with its Keras summary (shapes, params, FLOPs). */
export interface SummarizedTrial {
  trial: TrialSpec;
  summary: ModelSummary;
}

/** What the diagram and the summary table need: a trial's id, name and ordinal with its summary (from a config or the store). */
export interface TrialModelSummary {
  trial: Pick<TrialSpec, "id" | "name" | "ordinal">;
  summary: ModelSummary;
}

/** The sweep's trials, in order, with their model summaries; and the grid points that collapsed into earlier trials. */
export function expandAndSummarize(
  config: SweepConfig,
  sweepId: string,
): { trials: SummarizedTrial[]; collapsed: CollapsedPoint[] } {
  const { trials, collapsed } = expandSweep(config, sweepId);
  return {
    trials: trials.map((trial) => ({ trial, summary: summarizeModel(trial.model.input_shape, trial.layers) })),
    collapsed,
  };
}

/** `2.4e7` → `24.0M`: FLOPs and other large figures for a table cell. */
export function formatMagnitude(value: number): string {
  const units: Array<[number, string]> = [
    [1e15, "P"],
    [1e12, "T"],
    [1e9, "G"],
    [1e6, "M"],
    [1e3, "k"],
  ];
  for (const [size, suffix] of units) if (value >= size) return `${(value / size).toFixed(1)}${suffix}`;
  return String(value);
}
