import { hostname } from "node:os";
import { type JsMsg, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { headers, type NatsConnection } from "@nats-io/transport-node";
import type { TrialEvent, TrialSpec, WorkerHeartbeat } from "@sweep/core";
import { watchCancelledSweeps } from "./cancel-watch.js";
import { latestCheckpointSaver, openNatsCheckpoints } from "./checkpoints.js";
import { startHeartbeat } from "./heartbeat.js";
import { pipelineNames } from "./nats-names.js";
import { eventFactory, runTrialAttempt } from "./run-trial.js";
import { type InvalidTrialMessage, parseTrialMessage } from "./trial-message.js";
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

interface RunningTrial {
  trial: TrialSpec;
  cancelFlag: Int32Array;
  /** Why the flag was raised: the sweep was cancelled, or this worker is stopping. */
  stopReason?: "sweep-cancelled" | "worker-stopping";
  imagesPerS: number;
}

/** Redelivery delay after a transient failure: 1 s, 2 s, 4 s ... capped at 30 s. */
export const transientBackoffMs = (deliveryCount: number) => Math.min(30_000, 1000 * 2 ** (deliveryCount - 1));

/**
 * Pulls trial messages from the `workers` consumer, at most one per free training
 * thread, and trains each: events go to SWEEP_EVENTS as they happen, the message is
 * kept alive with `working()`, and acked only once its terminal event is stored.
 */
export async function startWorker(options: WorkerOptions): Promise<SweepWorker> {
  const { nc, trainer } = options;
  const names = pipelineNames(options.prefix);
  const log = options.log ?? (() => {});
  const id = options.id ?? `${hostname().replace(/[^A-Za-z0-9_-]/g, "-")}-${process.pid}`;
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const consumer = await js.consumers.get(names.trialsStream, names.workersConsumer);
  const { config } = await consumer.info();
  const ackWaitMs = (config.ack_wait ?? 30e9) / 1e6;
  const maxDeliver = config.max_deliver && config.max_deliver > 0 ? config.max_deliver : Number.POSITIVE_INFINITY;
  const kvm = new Kvm(nc);
  const checkpoints = await openNatsCheckpoints(nc, names);
  const running = new Map<string, RunningTrial>();
  let stopping = false;
  let finishedTrials = 0;
  let slotFreed: () => void = () => {};

  const cancelled = await watchCancelledSweeps(await kvm.open(names.controlBucket), (sweepId) => {
    for (const entry of running.values()) {
      if (entry.trial.sweepId !== sweepId) continue;
      entry.stopReason ??= "sweep-cancelled";
      Atomics.store(entry.cancelFlag, 0, 1);
    }
  });
  // The expected backend until a trial starts; then the one tfjs actually runs (tensorflow, wasm or cpu).
  let backend = options.backend;
  const heartbeatOf = (status: WorkerHeartbeat["status"]): WorkerHeartbeat => ({
    id,
    host: hostname(),
    pid: process.pid,
    threads: trainer.threads,
    backend,
    trials: [...running.keys()],
    images_per_s: [...running.values()].reduce((sum, entry) => sum + entry.imagesPerS, 0),
    at: new Date().toISOString(),
    status,
  });
  const heartbeat = startHeartbeat(
    await kvm.open(names.heartbeatBucket),
    () => heartbeatOf(stopping ? "stopping" : "running"),
    options.heartbeatMs ?? 2000,
    log,
  );

  // Every disconnect or reconnect of this connection: plain publishes in flight then may be lost.
  let connectionTrouble = 0;
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === "disconnect" || status.type === "reconnect") connectionTrouble++;
    }
  })().catch(() => {});

  /**
   * Progress events (started, epoch) go out as plain publishes into the stream (its
   * subjects capture them; the Nats-Msg-Id header still deduplicates); outcome events,
   * and epoch events whose checkpoint is saved next, are acknowledged publishes.
   * `stored()` waits for the outcome events' acks, or for a flush (which the server
   * answers after every earlier message of this connection) when none. If the
   * connection dropped, or an acknowledged publish failed, while the trial ran, plain
   * publishes may have died with the server (or a cluster node): every progress event
   * is then sent again, acknowledged, and the message ids drop the copies. That happens
   * before the outcome is published, so the outcome stays the trial's last event (see
   * `finishedBefore`), and again in `stored()` if the trouble came later.
   */
  // Plain publishes wait for the end of this turn of the event loop and leave together:
  // the client writes to its socket once per turn, and progress messages from the
  // training threads arrive one task each. Anything acknowledged sends the queue first,
  // so a trial's events keep their order.
  const queued: Array<() => void> = [];
  let sendScheduled = false;
  const sendQueued = () => {
    sendScheduled = false;
    for (const send of queued.splice(0)) send();
  };
  const sendSoon = (send: () => void) => {
    queued.push(send);
    if (!sendScheduled) {
      sendScheduled = true;
      setImmediate(sendQueued);
    }
  };

  const publishEvents = () => {
    const acknowledged: Promise<unknown>[] = [];
    const progress: Array<{ subject: string; body: string; msgID: string }> = [];
    // The connection's trouble count that the last sending-again covered.
    let troubleCovered = connectionTrouble;
    let ackFailed = false;
    const mayHaveLostProgress = () => ackFailed || connectionTrouble !== troubleCovered;
    const sendProgressAgain = async () => {
      troubleCovered = connectionTrouble;
      ackFailed = false;
      log(`the NATS connection failed during a trial: sending its ${progress.length} progress events again`);
      await Promise.all(progress.map(({ subject, body, msgID }) => js.publish(subject, body, { msgID })));
    };
    return {
      /** Publishes `event`, acknowledged when `acked` or an outcome: then returns JetStream's ack. */
      emit(event: TrialEvent, acked = false): Promise<unknown> | undefined {
        const epoch = event.type === "epoch" ? event.metrics.epoch : "";
        const msgID = `${event.trialId}.${event.attempt}.${event.type}${epoch}`;
        const subject = names.eventSubject(event.sweepId, event.trialId);
        const body = JSON.stringify(event);
        const isProgress = event.type === "started" || event.type === "epoch";
        if (isProgress) progress.push({ subject, body, msgID });
        if (!acked && isProgress) {
          const header = headers();
          header.set("Nats-Msg-Id", msgID);
          sendSoon(() => nc.publish(subject, body, { headers: header }));
          return undefined;
        }
        sendQueued();
        if (event.type === "epoch") {
          const stored = js.publish(subject, body, { msgID });
          // An epoch's ack only orders its checkpoint after it (a failed one is logged there).
          stored.catch(() => (ackFailed = true));
          return stored;
        }
        const publish = () => js.publish(subject, body, { msgID });
        const stored = mayHaveLostProgress() ? sendProgressAgain().then(publish) : publish();
        acknowledged.push(stored);
        return stored;
      },
      /** Settles once every event emitted so far is stored by JetStream. */
      stored: async () => {
        sendQueued();
        // The stream takes this connection's messages in order: an acked outcome
        // event means the progress events before it were taken too.
        if (acknowledged.length > 0) await Promise.all(acknowledged);
        else await nc.flush();
        if (mayHaveLostProgress()) await sendProgressAgain();
      },
    };
  };

  /**
   * "completed by attempt N" (or pruned) when the trial's last event in SWEEP_EVENTS is
   * its outcome. (When progress had to be sent again after the outcome, the last event
   * is progress, and the trial trains again: wasted work, nothing wrong recorded.)
   */
  async function finishedBefore(trial: TrialSpec): Promise<string | undefined> {
    try {
      const last = await jsm.streams.getMessage(names.eventsStream, {
        last_by_subj: names.eventSubject(trial.sweepId, trial.id),
      });
      const event = last?.json<TrialEvent>();
      if (event?.type === "completed" || event?.type === "pruned") return `${event.type} by attempt ${event.attempt}`;
    } catch (error) {
      log(`looking up ${trial.id}'s last event failed, training it: ${messageOf(error)}`);
    }
    return undefined;
  }

  async function handle(msg: JsMsg): Promise<void> {
    const attempt = msg.info.deliveryCount;
    const events = publishEvents();
    let trial: TrialSpec;
    let requeued: boolean;
    try {
      ({ trial, requeued = false } = parseTrialMessage(msg.string()));
    } catch (error) {
      const invalid = error as InvalidTrialMessage;
      log(`rejecting a trial message: ${invalid.message}`);
      if (invalid.trial) {
        events.emit(eventFactory(invalid.trial, attempt)({ type: "failed", error: invalid.message, retryable: false }));
      }
      await events.stored();
      // Plain term(): nats-server before 2.10 ignores `+TERM <reason>` and would redeliver the
      // message up to maxDeliver. The reason is in the log and in the recorded failed event.
      msg.term();
      return;
    }
    const event = eventFactory(trial, attempt);
    // A redelivery whose trial already finished: the ack of the attempt that finished it
    // died with a server or a connection. Training it again would be wasted (the recorder
    // ignores events of a finished trial; retry and resume never re-queue one).
    const finished = attempt > 1 ? await finishedBefore(trial) : undefined;
    if (finished) {
      log(`trial ${trial.id} was already ${finished}: acking its redelivered message without training it`);
      return msg.ack();
    }
    if (cancelled.has(trial.sweepId) || stopping) {
      if (stopping) return msg.nak();
      events.emit(event({ type: "cancelled", epoch: 0 }));
      await events.stored();
      finishedTrials++;
      return msg.ack();
    }
    const entry: RunningTrial = { trial, cancelFlag: new Int32Array(new SharedArrayBuffer(4)), imagesPerS: 0 };
    running.set(trial.id, entry);
    const keepAlive = setInterval(() => msg.working(), Math.max(200, ackWaitMs / 3));
    // A checkpoint is saved only once its epoch's event is stored, so a resumed attempt
    // never starts past an epoch that was not recorded (and the recorder drops older
    // attempts' rows after the resume epoch, so no epoch row is doubled).
    const saver = latestCheckpointSaver(checkpoints, trial.id, log, {
      delivery: { message: msg.info.streamSequence, attempt },
    });
    let maybeStored = false;
    /** The trial is over for good: its checkpoint, if it has one, is of no more use. */
    const forgetCheckpoint = async () => {
      if (!maybeStored && !saver.savedAny) return;
      await checkpoints
        .remove(trial.id)
        .catch((error) => log(`removing ${trial.id}'s checkpoint failed: ${messageOf(error)}`));
    };
    try {
      // Only a redelivery or a re-queued trial can have one: a first delivery saves a lookup.
      const mayHaveCheckpoint = attempt > 1 || requeued;
      const loaded = mayHaveCheckpoint ? checkpoints.load(trial.id) : Promise.resolve(undefined);
      const checkpoint = await loaded.catch((error) => {
        log(`loading ${trial.id}'s checkpoint failed, training from the start: ${messageOf(error)}`);
        return null;
      });
      maybeStored = checkpoint !== undefined;
      const result = await runTrialAttempt(
        trainer,
        { trial, attempt, worker: id, cancelFlag: entry.cancelFlag, checkpoint: checkpoint ?? undefined },
        (e, bytes) => {
          // Only an epoch whose checkpoint is kept needs its event's ack (plain publishes are cheaper).
          const keep = e.type === "epoch" && bytes !== undefined && saver.due();
          const stored = events.emit(e, keep);
          if (e.type === "started") backend = e.backend;
          if (e.type !== "epoch") return;
          entry.imagesPerS = e.metrics.images_per_s;
          if (keep && bytes && stored) saver.offer(e.metrics.epoch, bytes, stored);
        },
      );
      const over =
        result.kind === "finished"
          ? result.outcome.status === "completed" || result.outcome.status === "pruned"
          : result.deterministic || attempt >= maxDeliver;
      if (over) saver.discardWaiting();
      await saver.idle();
      if (
        result.kind === "finished" &&
        result.outcome.status === "cancelled" &&
        entry.stopReason !== "sweep-cancelled"
      ) {
        await events.stored();
        return msg.nak();
      }
      if (result.kind === "finished") {
        if (result.outcome.status === "cancelled")
          events.emit(event({ type: "cancelled", epoch: result.outcome.epoch }));
        await events.stored();
        if (result.outcome.status !== "cancelled") await forgetCheckpoint();
        finishedTrials++;
        return msg.ack();
      }
      // `retryable` tells the recorder whether this message comes back (see TrialEvent).
      const retryable = !result.deterministic && attempt < maxDeliver;
      events.emit(event({ type: "failed", error: result.error, retryable }));
      await events.stored();
      if (retryable) {
        log(`trial ${trial.id} attempt ${attempt} failed, will be redelivered: ${result.error}`);
        return msg.nak(stopping ? 0 : transientBackoffMs(attempt));
      }
      log(`trial ${trial.id} failed (attempt ${attempt} of ${maxDeliver}): ${result.error}`);
      await forgetCheckpoint();
      finishedTrials++;
      msg.term(); // without the reason: see the parse failure above
    } finally {
      clearInterval(keepAlive);
      running.delete(trial.id);
    }
  }

  const inFlight = new Set<Promise<void>>();
  function handleSafely(msg: JsMsg): void {
    const handled: Promise<void> = handle(msg)
      .catch((error) => {
        log(`trial message ${msg.seq} handed back: ${messageOf(error)}`);
        msg.nak(1000);
      })
      .finally(() => {
        inFlight.delete(handled);
        slotFreed();
      });
    inFlight.add(handled);
  }

  const waitForFreeThread = () =>
    new Promise<void>((resolve) => {
      slotFreed = resolve;
      if (inFlight.size < trainer.threads || stopping) resolve();
    });

  async function pullLoop(): Promise<void> {
    while (!stopping) {
      await waitForFreeThread();
      if (stopping) break;
      try {
        const messages = await consumer.fetch({
          max_messages: trainer.threads - inFlight.size,
          expires: options.fetchExpiresMs ?? 2000,
        });
        for await (const msg of messages) handleSafely(msg);
      } catch (error) {
        // NATS restarting or unreachable for a while: keep the running trials, ask again.
        log(`fetching trials failed, retrying in 1 s: ${messageOf(error)}`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
    await Promise.all(inFlight);
  }

  const closed = pullLoop().finally(async () => {
    await cancelled.stop();
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
      for (const entry of running.values()) {
        entry.stopReason ??= "worker-stopping";
        Atomics.store(entry.cancelFlag, 0, 1);
      }
      slotFreed();
      await closed;
    },
  };
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
