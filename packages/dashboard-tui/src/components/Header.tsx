import { redactUrls } from "@sweep/core";
import { Box, Text } from "ink";
import { formatDuration, formatLoss, progressBar } from "../format.js";
import type { DashboardSnapshot } from "../snapshot.js";
import { sweepProgress } from "../sweep-progress.js";

export interface HeaderProps {
  snapshot: DashboardSnapshot | null;
  /** The last load's error while the database is unreachable; null when connected. */
  connectionError: string | null;
  barWidth: number;
  /** The adaptive search's lines (`searchLines`), under the progress bars; empty for other sweeps. */
  searchLines: readonly string[];
}

const SWEEP_STATUS_COLOR: Record<string, string> = { running: "cyan", completed: "green", cancelled: "gray" };

/** Sweep name and status, the trials and epochs progress bars, elapsed time and ETA, the search's lines. */
export function Header({ snapshot, connectionError, barWidth, searchLines }: HeaderProps) {
  const sweep = snapshot?.sweep ?? null;
  const progress = snapshot ? sweepProgress(snapshot) : null;
  const best = snapshot?.tally.best ?? null;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>sweep </Text>
        {sweep ? (
          <>
            <Text bold>{sweep.name}</Text>
            <Text dimColor> {sweep.id} </Text>
            <Text color={SWEEP_STATUS_COLOR[sweep.status] ?? "white"}>{sweep.status}</Text>
          </>
        ) : (
          <Text dimColor>{snapshot ? "no sweep in this database yet" : "loading…"}</Text>
        )}
        {progress && sweep ? (
          <Text>
            {"   elapsed "}
            {formatDuration(progress.elapsedMs)}
            {"   ETA "}
            {progress.etaMs === null ? "—" : progress.etaMs === 0 ? "done" : formatDuration(progress.etaMs)}
          </Text>
        ) : null}
      </Text>
      {connectionError !== null ? (
        <Text color="red" wrap="truncate-end">
          disconnected: {redactUrls(connectionError)} (reconnecting)
        </Text>
      ) : null}
      {progress ? (
        <Text wrap="truncate-end">
          {"trials "}
          {progressBar(progress.trialsDone, progress.trialsTotal, barWidth)}
          {"   epochs "}
          {progressBar(progress.epochsDone, progress.epochsTotal, barWidth)}
          {best ? `   best ${best.name} ${best.metric} ${formatLoss(best.value)}` : ""}
        </Text>
      ) : null}
      {searchLines.map((line) => (
        <Text key={line} wrap="truncate-end">
          {line}
        </Text>
      ))}
    </Box>
  );
}
