import type { EpochMetrics, TrialSpec } from "./trial.js";

/**
 * NATS names. Streams and consumers may be prefixed (tests isolate themselves with
 * a prefix); subjects below are relative to that prefix's stream.
 */
export const NATS_NAMES = {
  trialsStream: "SWEEP_TRIALS",
  eventsStream: "SWEEP_EVENTS",
  workersConsumer: "workers",
  recorderConsumer: "recorder",
  heartbeatBucket: "sweep_workers",
  controlBucket: "sweep_control",
  checkpointBucket: "sweep_checkpoints",
  trialSubject: (sweepId: string) => `sweep.trial.${sweepId}`,
  eventSubject: (sweepId: string, trialId: string) => `sweep.event.${sweepId}.${trialId}`,
} as const;

export const MESSAGE_VERSION = 1;

/** Published once per trial on `sweep.trial.<sweepId>`; message id = trial id. */
export interface TrialMessage {
  v: typeof MESSAGE_VERSION;
  trial: TrialSpec;
  /**
   * Published again by `sweep retry`/`sweep resume`: the trial may have a checkpoint
   * from an earlier message, so a worker looks for one on the first delivery too.
   */
  requeued?: boolean;
}

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
  | (EventBase & { type: "completed"; test_loss: number; test_accuracy: number; duration_ms: number })
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
  | (EventBase & { type: "pruned"; epoch: number; reason: string })
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
