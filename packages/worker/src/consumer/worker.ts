import { hostname } from "node:os";
import { jetstream } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { HEARTBEAT_INTERVAL_MS, type WorkerHeartbeat } from "@sweep/core";
import { openNatsCheckpoints, openNatsModels, openPruneOrders, pipelineNames } from "@sweep/protocol";
import { watchCancelledSweeps } from "./cancel-watch.js";
import { eventPublisher } from "./event-publisher.js";
import { startHeartbeat, workerHeartbeat } from "./heartbeat.js";
import { handleTrialMessage } from "./message-handler.js";
import { pullTrialMessages } from "./pull-loop.js";
import { TrialSlots } from "./trial-slots.js";
import type { TrialTrainer } from "./trial-trainer.js";

export interface WorkerOptions {
  /** An open connection; the worker does not close it. */
  nc: NatsConnection;
  trainer: TrialTrainer;
  /** Backend label for heartbeats (the trainer reports the backend each trial used). */
  backend: string;
  prefix?: string;
  /** Defaults to `<host>-<pid>`. */
  id?: string;
  heartbeatMs?: number;
  /** How long one pull request waits for messages; bounds how fast `stop()` returns. */
  fetchExpiresMs?: number;
  log?: (line: string) => void;
}

/** A running worker process's consumer loop. */
export interface SweepWorker {
  readonly id: string;
  /** Stops fetching, hands running trials back (nak, no delay) and waits for them. */
  stop(): Promise<void>;
  /** Settles when the worker has stopped (after `stop()` or a fatal error). */
  readonly closed: Promise<void>;
  /** Trials this worker finished (any terminal outcome it recorded). */
  readonly finishedTrials: number;
}

/** Default `fetchExpiresMs`. */
const FETCH_EXPIRES_MS = 2_000;

/** This process's worker id, `<host>-<pid>`. */
export const defaultWorkerId = () => `${hostname().replace(/[^A-Za-z0-9_-]/g, "-")}-${process.pid}`;

/**
 * Pulls trial messages from the `workers` consumer, at most one per free training
 * thread, and trains each: events go to SWEEP_EVENTS as they happen, the message is
 * kept alive with `working()`, and settled only once the events it needs are stored
 * (`handleTrialMessage`, `settleAttempt`). Heartbeats go to the heartbeat bucket; a
 * cancelled sweep's running trials are stopped, and so is a trial the search
 * controller prunes (recorded `pruned` with the rung in the reason).
 */
export async function startWorker(options: WorkerOptions): Promise<SweepWorker> {
  const { nc, trainer } = options;
  const names = pipelineNames(options.prefix);
  const log = options.log ?? (() => {});
  const id = options.id ?? defaultWorkerId();
  const consumer = await jetstream(nc).consumers.get(names.trialsStream, names.workersConsumer);
  const { config } = await consumer.info();
  const kvm = new Kvm(nc);
  const slots = new TrialSlots(trainer.threads);
  let stopping = false;
  let finishedTrials = 0;
  // The expected backend until a trial starts; then the one tfjs actually runs (tensorflow, wasm or cpu).
  let backend = options.backend;

  const cancelled = await watchCancelledSweeps(await kvm.open(names.controlBucket), (sweepId) =>
    slots.stopTrials("sweep-cancelled", sweepId),
  );
  // The search controller's prunes (hyperband rungs): a running trial stops between batches.
  const pruneOrders = await openPruneOrders(nc, names);
  const prunes = await pruneOrders.watch((order) => slots.prune(order.trialId, order.reason));
  const heartbeatOf = (status: WorkerHeartbeat["status"]) =>
    workerHeartbeat({ id, slots, backend: () => backend }, status);
  const heartbeats = await kvm.open(names.heartbeatBucket);
  const heartbeat = startHeartbeat(
    (beat) => heartbeats.put(beat.id, JSON.stringify(beat)),
    () => heartbeatOf(stopping ? "stopping" : "running"),
    options.heartbeatMs ?? HEARTBEAT_INTERVAL_MS,
    log,
  );
  const context = {
    workerId: id,
    trainer,
    publisher: await eventPublisher(nc, names, log),
    checkpoints: await openNatsCheckpoints(nc, names),
    models: await openNatsModels(nc, names),
    slots,
    ackWaitMs: (config.ack_wait ?? 30e9) / 1e6,
    maxDeliver: config.max_deliver && config.max_deliver > 0 ? config.max_deliver : Number.POSITIVE_INFINITY,
    isCancelled: (sweepId: string) => cancelled.has(sweepId),
    pruneOrderOf: (trialId: string) => pruneOrders.get(trialId),
    isStopping: () => stopping,
    onFinished() {
      finishedTrials++;
    },
    onBackend(reported: string) {
      backend = reported;
    },
    log,
  };
  const closed = pullTrialMessages({
    consumer,
    slots,
    fetchExpiresMs: options.fetchExpiresMs ?? FETCH_EXPIRES_MS,
    isStopping: () => stopping,
    handle: (msg) => handleTrialMessage(msg, context),
    log,
  }).finally(async () => {
    await cancelled.stop();
    await prunes.stop();
    await heartbeat.stop(heartbeatOf("stopped"));
  });
  log(`worker ${id} pulling from ${names.trialsStream}/${names.workersConsumer} with ${trainer.threads} threads`);

  return {
    id,
    closed,
    get finishedTrials() {
      return finishedTrials;
    },
    async stop() {
      stopping = true;
      slots.stopTrials("worker-stopping");
      slots.wake();
      await closed;
    },
  };
}
