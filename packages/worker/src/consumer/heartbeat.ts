import { hostname } from "node:os";
import type { WorkerHeartbeat } from "@sweep/core";
import { errorMessage } from "@sweep/core";
import type { TrialSlots } from "./trial-slots.js";

/** What a heartbeat reports of a worker. */
export interface HeartbeatSource {
  id: string;
  slots: TrialSlots;
  /** The expected backend until a trial starts; then the one tfjs actually runs. */
  backend(): string;
}

/** The worker's `WorkerHeartbeat` now. */
export function workerHeartbeat(source: HeartbeatSource, status: WorkerHeartbeat["status"]): WorkerHeartbeat {
  return {
    id: source.id,
    host: hostname(),
    pid: process.pid,
    threads: source.slots.threads,
    backend: source.backend(),
    trials: source.slots.trialIds,
    images_per_s: source.slots.imagesPerS,
    at: new Date().toISOString(),
    status,
  };
}

/**
 * Writes the worker's heartbeat every `intervalMs` with `write` (to the heartbeat KV
 * bucket for `sweep worker`, to the `workers` table for a local `sweep run`).
 */
export function startHeartbeat(
  write: (heartbeat: WorkerHeartbeat) => Promise<unknown>,
  current: () => WorkerHeartbeat,
  intervalMs: number,
  log: (line: string) => void,
) {
  let lastError = "";
  const beat = async (heartbeat: WorkerHeartbeat) => {
    try {
      await write(heartbeat);
      lastError = "";
    } catch (error) {
      const message = errorMessage(error);
      if (message !== lastError) log(`heartbeat not written: ${message}`);
      lastError = message;
    }
  };
  void beat(current());
  const timer = setInterval(() => void beat(current()), intervalMs);
  return {
    /** Stops the timer and writes one last heartbeat (e.g. status `stopped`). */
    async stop(last: WorkerHeartbeat): Promise<void> {
      clearInterval(timer);
      await beat(last);
    },
  };
}
