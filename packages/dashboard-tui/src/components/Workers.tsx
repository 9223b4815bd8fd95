import { Box, Text } from "ink";
import { fit, formatDuration } from "../format.js";
import { isStale, type WorkerView } from "../snapshot.js";

export interface WorkersProps {
  workers: readonly WorkerView[];
  now: number;
  /** At most this many rows; the rest are counted. */
  maxRows: number;
}

/** One line per worker: host, threads, backend, images/s, last heartbeat; stale ones marked. */
export function Workers({ workers, now, maxRows }: WorkersProps) {
  const shown = workers.slice(0, maxRows);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        {fit("workers", 22)}
        {fit("threads", 9)}
        {fit("backend", 10)}
        {fit("images/s", 10)}
        last seen
      </Text>
      {workers.length === 0 ? <Text dimColor>no worker has sent a heartbeat</Text> : null}
      {shown.map((worker) => {
        const stale = isStale(worker, now);
        return (
          <Text key={worker.id} wrap="truncate-end" dimColor={stale}>
            {fit(worker.host, 22)}
            {fit(String(worker.threads), 9)}
            {fit(worker.backend, 10)}
            {fit(worker.imagesPerS.toFixed(0), 10)}
            {formatDuration(now - worker.lastSeen)} ago
            {stale ? <Text color="yellow"> STALE</Text> : null}
          </Text>
        );
      })}
      {workers.length > shown.length ? <Text dimColor>+{workers.length - shown.length} more</Text> : null}
    </Box>
  );
}
