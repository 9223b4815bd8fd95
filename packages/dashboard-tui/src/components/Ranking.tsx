import { Box, Text } from "ink";
import { describeParams, fit, formatLoss, formatPercent, sparkline } from "../format.js";
import { rungCell } from "../search-view.js";
import type { TrialView } from "../snapshot.js";

export interface RankingProps {
  /** The rows to draw, already filtered, sorted and windowed. */
  rows: readonly TrialView[];
  selectedTrialId: string | null;
  /** Terminal width; the name and "differs" columns share what the fixed ones leave. */
  columns: number;
  /** Whether to show the rung column (`rungCell`): a sweep with a hyperband rule. */
  rungColumn: boolean;
}

export const STATUS_COLOR: Record<string, string> = {
  queued: "gray",
  running: "cyan",
  completed: "green",
  pruned: "yellow",
  failed: "red",
  cancelled: "gray",
};

const FIXED = { mark: 2, rank: 5, status: 10, epoch: 7, best: 13, last: 8, valAcc: 8, testAcc: 9, overfit: 8 };
const FIXED_WIDTH = Object.values(FIXED).reduce((a, b) => a + b, 0);
/** `at r1`, `r2`. */
const RUNG_WIDTH = 7;

function flexibleWidths(columns: number, rung: number): { name: number; differs: number; spark: number } {
  const spark = columns >= 140 ? 20 : 10;
  const free = Math.max(8, columns - FIXED_WIDTH - rung - spark - 1);
  const name = Math.min(24, Math.max(8, Math.floor(free * 0.4)));
  const differs = free - name;
  return { name, differs: differs < 8 ? 0 : differs, spark };
}

/** The ranking table: one row per trial with its sparkline of val_loss, and its rung under hyperband. */
export function Ranking({ rows, selectedTrialId, columns, rungColumn }: RankingProps) {
  const rung = rungColumn ? RUNG_WIDTH : 0;
  const width = flexibleWidths(columns, rung);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {fit("", FIXED.mark)}
        {fit("rank", FIXED.rank)}
        {fit("variant", width.name)}
        {fit("differs", width.differs)}
        {fit("status", FIXED.status)}
        {fit("rung", rung)}
        {fit("epoch", FIXED.epoch)}
        {fit("best val@ep", FIXED.best)}
        {fit("last", FIXED.last)}
        {fit("val acc", FIXED.valAcc)}
        {fit("test acc", FIXED.testAcc)}
        {fit("overfit", FIXED.overfit)}
        val_loss
      </Text>
      {rows.length === 0 ? <Text dimColor>no trial matches</Text> : null}
      {rows.map((trial) => {
        const selected = trial.id === selectedTrialId;
        const best = trial.bestValLoss === null ? "—" : `${formatLoss(trial.bestValLoss)} @${trial.bestEpoch}`;
        return (
          <Text key={trial.id} wrap="truncate-end" inverse={selected}>
            {fit(selected ? "›" : "", FIXED.mark) +
              fit(trial.rank === null ? "—" : String(trial.rank), FIXED.rank) +
              fit(trial.name, width.name)}
            <Text dimColor={!selected}>{fit(describeParams(trial.params), width.differs)}</Text>
            <Text color={STATUS_COLOR[trial.status]}>{fit(trial.status, FIXED.status)}</Text>
            {fit(rung === 0 ? "" : rungCell(trial), rung) +
              fit(`${trial.epochsDone}/${trial.epochsPlanned}`, FIXED.epoch) +
              fit(best, FIXED.best) +
              fit(formatLoss(trial.lastValLoss), FIXED.last) +
              fit(formatPercent(trial.valAccuracy), FIXED.valAcc) +
              fit(formatPercent(trial.testAccuracy), FIXED.testAcc)}
            <Text color="red">{fit(trial.overfitEpoch === null ? "" : `⚠ e${trial.overfitEpoch}`, FIXED.overfit)}</Text>
            <Text color="cyan">{sparkline(trial.curve.slice(-width.spark).map((p) => p.valLoss))}</Text>
          </Text>
        );
      })}
    </Box>
  );
}
