import type { EpochMetrics } from "./trial.js";
import type { KeptKind, KeptWeightsRecord } from "./weights/kept-weights.js";

/**
 * The version of trial messages and events (`TrialEvent`); their NATS encoding and names
 * are in `@sweep/protocol`.
 */
export const MESSAGE_VERSION = 1;

/** Common to every event: enough to record it idempotently. */
interface EventBase {
  v: typeof MESSAGE_VERSION;
  sweepId: string;
  trialId: string;
  /** JetStream delivery count of the trial message that produced this event. */
  attempt: number;
  /** ISO timestamp at the worker. */
  at: string;
}

export type TrialEvent =
  | (EventBase & { type: "started"; worker: string; backend: string; paramCount: number; resumeFromEpoch: number })
  | (EventBase & { type: "epoch"; metrics: EpochMetrics })
  | (EventBase & {
      type: "completed";
      test_loss: number;
      test_accuracy: number;
      duration_ms: number;
      /** The weights the trial kept (`training.keep_weights`), stored before this event was sent. */
      kept?: KeptWeightsRecord[];
      /** Which weights the test figures are of (`training.restore_best_weights`), and their epoch; absent: the last. */
      test_weights?: KeptKind;
      test_epoch?: number;
    })
  | (EventBase & {
      type: "failed";
      error: string;
      retryable: boolean;
      /**
       * Set by the recorder from JetStream's max-deliveries advisory: the trial's last
       * delivery ended without any worker reporting it (the worker died each time), so
       * the trial's last reported error, if any, is appended to `error` when recorded.
       */
      deadLetter?: boolean;
    })
  | (EventBase & { type: "pruned"; epoch: number; reason: string; kept?: KeptWeightsRecord[] })
  | (EventBase & { type: "cancelled"; epoch: number });

export type TrialEventType = TrialEvent["type"];

/** How often a worker publishes its heartbeat. */
export const HEARTBEAT_INTERVAL_MS = 2_000;

/** A worker whose last heartbeat is older than this is shown as stale (3 missed heartbeats). */
export const STALE_WORKER_AFTER_MS = 3 * HEARTBEAT_INTERVAL_MS;

/** Worker liveness, written to the heartbeat KV bucket under the worker id. */
export interface WorkerHeartbeat {
  id: string;
  host: string;
  pid: number;
  threads: number;
  backend: string;
  trials: string[];
  images_per_s: number;
  at: string;
  status: "running" | "stopping" | "stopped";
}
