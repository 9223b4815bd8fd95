import type { NatsConnection } from "@nats-io/transport-node";
import { errorMessage, type WorkerHeartbeat } from "@sweep/core";
import type { PipelineNames } from "@sweep/protocol";
import { watchHeartbeats } from "./heartbeat-watch.js";

/** Intervals a copy may run before the next one goes ahead without it. */
const STUCK_AFTER_INTERVALS = 5;

export interface HeartbeatCopiesOptions {
  nc: NatsConnection;
  names: PipelineNames;
  /** Stores heartbeats (at most one per worker); throws if they were not stored. */
  recordHeartbeats(heartbeats: WorkerHeartbeat[]): Promise<void>;
  intervalMs: number;
  log(line: string): void;
}

/**
 * Copies workers' heartbeats into the database: a watch of the heartbeat bucket keeps
 * each worker's latest heartbeat not yet copied, and every `intervalMs` one copy hands
 * them to `recordHeartbeats`. An interval that finds the last copy still running adds
 * nothing behind it (the heartbeats wait, the newest per worker, for the next copy),
 * and a copy still running after STUCK_AFTER_INTERVALS is left to finish on its own: its
 * heartbeats go again with the next copy, so a stuck write delays the `workers` table
 * by seconds, never for good. A failed copy's heartbeats go again too. `stop()` copies
 * what was written before it and waits for the copies under way.
 */
export async function startHeartbeatCopies(options: HeartbeatCopiesOptions): Promise<{ stop(): Promise<void> }> {
  const { intervalMs, log } = options;
  const waiting = new Map<string, WorkerHeartbeat>();
  const watch = await watchHeartbeats(options.nc, options.names, waiting, log);
  /** Puts back heartbeats of a copy that failed or was left behind, unless a newer one came. */
  const again = (heartbeats: WorkerHeartbeat[]) => {
    for (const heartbeat of heartbeats) if (!waiting.has(heartbeat.id)) waiting.set(heartbeat.id, heartbeat);
  };

  let running: { done: Promise<void>; heartbeats: WorkerHeartbeat[]; intervals: number } | undefined;
  let leftBehind: Promise<void> | undefined;
  function copy(): void {
    if (running && ++running.intervals < STUCK_AFTER_INTERVALS) return;
    if (running) {
      if (leftBehind) return; // one copy left behind at a time: the rest wait
      const seconds = (running.intervals * intervalMs) / 1000;
      log(`a heartbeat copy is still running after ${seconds} s; the next copies go ahead without it`);
      again(running.heartbeats);
      const behind: Promise<void> = running.done.finally(() => {
        if (leftBehind === behind) leftBehind = undefined;
      });
      leftBehind = behind;
    }
    const heartbeats = [...waiting.values()];
    waiting.clear();
    if (heartbeats.length === 0) {
      running = undefined;
      return;
    }
    const done: Promise<void> = Promise.resolve()
      .then(() => options.recordHeartbeats(heartbeats))
      .catch((error) => {
        log(`copying heartbeats failed, retrying with the next copy: ${errorMessage(error)}`);
        again(heartbeats);
      })
      .finally(() => {
        if (running?.done === done) running = undefined;
      });
    running = { done, heartbeats, intervals: 0 };
  }

  const timer = setInterval(copy, intervalMs);
  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopped ??= (async () => {
        clearInterval(timer);
        await watch.stop();
        await running?.done;
        copy();
        await Promise.all([running?.done, leftBehind]);
      })();
      return stopped;
    },
  };
}
