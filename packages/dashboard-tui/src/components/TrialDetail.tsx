import { formatCount } from "@sweep/core";
import { Box, Text } from "ink";
import { BEST_MARK, curveChart, LOSS_MARK, OVERFIT_MARK, VAL_LOSS_MARK } from "../curve-chart.js";
import { describeParams, fit } from "../format.js";
import type { TrialView } from "../snapshot.js";

export interface TrialDetailProps {
  trial: TrialView;
  columns: number;
  chartHeight: number;
}

/** The selected trial: its loss/val_loss chart with best and overfit epochs, and its layer table. */
export function TrialDetail({ trial, columns, chartHeight }: TrialDetailProps) {
  const chartWidth = Math.max(24, Math.floor(columns * 0.5) - 2);
  const chart = curveChart(trial.curve, trial, chartWidth, chartHeight);
  const totalParams = trial.model.reduce((sum, row) => sum + row.params, 0);
  return (
    <Box borderStyle="single" flexDirection="column" paddingX={1}>
      <Text bold wrap="truncate-end">
        {trial.name}
        <Text dimColor> {trial.id} </Text>
        <Text>{describeParams(trial.params)} </Text>
        <Text>
          {LOSS_MARK} loss {VAL_LOSS_MARK} val_loss {BEST_MARK} best
          {trial.bestEpoch === null ? "" : ` (epoch ${trial.bestEpoch})`} {OVERFIT_MARK} overfit
          {trial.overfitEpoch === null ? " (none)" : ` (from epoch ${trial.overfitEpoch})`}
        </Text>
      </Text>
      <Box flexDirection="row">
        <Box flexDirection="column" width={chartWidth + 2}>
          {chart.map((line, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: chart lines are positional
            <Text key={i} wrap="truncate-end">
              {line}
            </Text>
          ))}
        </Box>
        <Box flexDirection="column">
          <Text bold wrap="truncate-end">
            {fit("layer (type)", 26)}
            {fit("output shape", 20)}
            params
          </Text>
          {trial.model.map((row) => (
            <Text key={row.layer} wrap="truncate-end">
              {fit(row.layer, 26)}
              {fit(row.outputShape, 20)}
              {formatCount(row.params)}
            </Text>
          ))}
          {trial.model.length === 0 ? (
            <Text dimColor>no layer table recorded</Text>
          ) : (
            <Text wrap="truncate-end">total params {formatCount(totalParams)}</Text>
          )}
        </Box>
      </Box>
    </Box>
  );
}
