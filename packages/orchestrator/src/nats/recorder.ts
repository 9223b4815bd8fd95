import { type JetStreamManager, type JsMsg, jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { errorMessage, HEARTBEAT_INTERVAL_MS, type TrialEvent, type WorkerHeartbeat } from "@sweep/core";
import { openNatsCheckpoints, type PipelineNames, parseTrialEvent } from "@sweep/protocol";
import { type DeadLetter, readDeadLetter } from "./dead-letters.js";
import { startHeartbeatCopies } from "./heartbeat-copies.js";

export interface RecorderOptions {
  nc: NatsConnection;
  names: PipelineNames;
  /** Stores a batch of events in ONE transaction; throws if nothing was committed. */
  recordEvents(events: TrialEvent[]): Promise<void>;
  /** Stores heartbeats: each worker's latest written since the last copy (`heartbeat-copies.ts`). */
  recordHeartbeats(heartbeats: WorkerHeartbeat[]): Promise<void>;
  /** Events recorded per transaction at most. */
  batchSize?: number;
  /** How often heartbeats are copied (default: the workers' heartbeat interval). */
  heartbeatCopyMs?: number;
  log?: (line: string) => void;
  /** Called after each committed batch (progress output, tests). */
  onRecorded?(events: readonly TrialEvent[]): void;
}

export interface Recorder {
  stop(): Promise<void>;
  readonly closed: Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The recorder: drains the durable `recorder` consumer of SWEEP_EVENTS into the
 * database. A batch is whatever has arrived while the previous commit ran (at most
 * `batchSize`); its messages are acked only after the commit. A database error
 * holds the batch (kept alive with `working()`) and retries with backoff, so an
 * outage loses nothing and does not reorder events. A max-deliveries advisory (a
 * trial message no worker finished within the workers consumer's max deliveries)
 * records its trial failed, then deletes that message and the trial's checkpoint.
 */
export async function startRecorder(options: RecorderOptions): Promise<Recorder> {
  const { names } = options;
  const log = options.log ?? (() => {});
  const batchSize = options.batchSize ?? 5000;
  const js = jetstream(options.nc);
  const jsm = await jetstreamManager(options.nc);
  const checkpoints = await openNatsCheckpoints(options.nc, names);
  const consumer = await js.consumers.get(names.eventsStream, names.recorderConsumer);
  const messages = await consumer.consume({ max_messages: batchSize * 2 });
  let stopping = false;

  async function commit(batch: JsMsg[]): Promise<void> {
    const { events, deadLetters, comeBack } = await readBatch(batch, jsm, names, log);
    for (let failures = 0; ; failures++) {
      try {
        await options.recordEvents(events);
        break;
      } catch (error) {
        if (stopping) return; // unacked: redelivered to the next recorder
        const wait = Math.min(10_000, 250 * 2 ** failures);
        log(`recording ${events.length} events failed, retrying in ${wait} ms: ${errorMessage(error)}`);
        for (const msg of batch) msg.working();
        await sleep(wait);
      }
    }
    for (const msg of batch) if (!comeBack.has(msg)) msg.ack();
    for (const { event, seq } of deadLetters) {
      log(`trial ${event.trialId} recorded failed: ${event.type === "failed" ? event.error : ""}`);
      await jsm.streams.deleteMessage(names.trialsStream, seq).catch(() => false);
      await checkpoints.remove(event.trialId).catch(() => undefined);
    }
    options.onRecorded?.(events);
  }

  // One commit at a time; the next takes everything that arrived meanwhile (up to
  // batchSize): small batches when events trickle in, big ones under load.
  let batch: JsMsg[] = [];
  let committing: Promise<void> | undefined;
  const commitNext = () => {
    if (committing || batch.length === 0) return;
    const taken = batch.slice(0, batchSize);
    batch = batch.slice(batchSize);
    committing = commit(taken).finally(() => {
      committing = undefined;
      commitNext();
    });
  };
  const drained = (async () => {
    for await (const msg of messages) {
      batch.push(msg);
      if (batch.length >= batchSize && committing) await committing;
      commitNext();
    }
    while (committing) await committing;
  })();

  const heartbeats = await startHeartbeatCopies({
    nc: options.nc,
    names,
    recordHeartbeats: options.recordHeartbeats,
    intervalMs: options.heartbeatCopyMs ?? HEARTBEAT_INTERVAL_MS,
    log,
  }).catch(async (error) => {
    await messages.close();
    throw error;
  });

  const closed = drained.finally(() => heartbeats.stop());
  return {
    closed,
    async stop() {
      stopping = true;
      await messages.close();
      await closed;
    },
  };
}

/**
 * A batch's events: trial events as published, and each max-deliveries advisory read
 * as the failed event it records. An unreadable event is terminated; an advisory
 * whose trial message cannot be read now comes back (`comeBack`, not acked).
 */
async function readBatch(batch: JsMsg[], jsm: JetStreamManager, names: PipelineNames, log: (line: string) => void) {
  const events: TrialEvent[] = [];
  const deadLetters: DeadLetter[] = [];
  const comeBack = new Set<JsMsg>();
  for (const msg of batch) {
    if (msg.subject === names.deadLetterAdvisories) {
      const deadLetter = await readDeadLetter(jsm, names, msg).catch((error) => {
        log(`reading a dead letter failed, it comes back in 1 s: ${errorMessage(error)}`);
        msg.nak(1000);
        comeBack.add(msg);
        return undefined;
      });
      if (deadLetter) {
        events.push(deadLetter.event);
        deadLetters.push(deadLetter);
      }
      continue;
    }
    const event = parseTrialEvent(msg.string());
    if (event) events.push(event);
    else {
      log(`dropping an unreadable event on ${msg.subject}`);
      msg.term(); // no reason: nats-server before 2.10 would ignore a term with one
    }
  }
  return { events, deadLetters, comeBack };
}
