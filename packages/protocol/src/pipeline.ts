import { AckPolicy, DiscardPolicy, jetstreamManager, RetentionPolicy, StorageType } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { Objm } from "@nats-io/obj";
import type { NatsConnection } from "@nats-io/transport-node";
import { type PipelineNames, pipelineNames } from "./names.js";

/** How trial messages are redelivered; tests shrink `ackWaitMs` instead of sleeping. */
export interface PipelineSettings {
  prefix?: string;
  /** A worker that neither acks nor calls `working()` for this long loses the trial. */
  ackWaitMs: number;
  /** Deliveries of one trial message before it is recorded failed. */
  maxDeliver: number;
  /** Re-publishing a trial id within this window is dropped by JetStream. */
  duplicateWindowMs: number;
  /** A worker whose heartbeat is older than this disappears from the heartbeat bucket. */
  heartbeatTtlMs: number;
  /** The recorder (`sweep serve`) holds an event unacked at most this long; a killed serve's batch comes back after it. */
  recorderAckWaitMs: number;
  /** Copies of each stream and bucket: 1 on a single server, 3 on a 3-node cluster (infra/nats-cluster). */
  replicas: number;
  /**
   * A checkpoint not saved again for this long is dropped: a trial cancelled and never
   * resumed does not keep its weights on the server forever (as long as trial events).
   */
  checkpointTtlMs: number;
  /** Most bytes the kept-models bucket may hold (-1: no bound but the server's); a full bucket refuses new weights. */
  modelBucketBytes: number;
}

/** How long SWEEP_EVENTS keeps an event (the database keeps everything it recorded). */
const EVENTS_MAX_AGE_MS = 7 * 24 * 3600_000;

export const DEFAULT_PIPELINE_SETTINGS = {
  ackWaitMs: 30_000,
  maxDeliver: 5,
  duplicateWindowMs: 10 * 60_000,
  heartbeatTtlMs: 10_000,
  recorderAckWaitMs: 60_000,
  replicas: 1,
  checkpointTtlMs: EVENTS_MAX_AGE_MS,
  modelBucketBytes: -1,
} satisfies Omit<PipelineSettings, "prefix">;

const nanos = (ms: number) => ms * 1_000_000;

/**
 * Creates (or updates) the streams, consumers and KV buckets of the pipeline:
 * SWEEP_TRIALS (work queue, file storage, dedup window) with the durable pull consumer
 * `workers`; SWEEP_EVENTS (limits retention; it also captures the workers consumer's
 * max-deliveries advisories, the dead letters) with the durable consumer `recorder`; the
 * heartbeat bucket (TTL), the cancel-control bucket, the prune-order bucket, the checkpoint object store
 * (one object per trial, dropped once not saved again for `checkpointTtlMs`) and the kept-models
 * object store (trials' kept weights, no TTL).
 * Idempotent; every command that touches NATS calls it first.
 * Only what is missing is created (a stream missing a subject gains it): the settings
 * of existing streams and consumers are otherwise left as the first caller made them (so a test's short ack wait is not undone by a
 * worker starting with the defaults).
 */
export async function ensurePipeline(
  nc: NatsConnection,
  settings: Partial<PipelineSettings> = {},
): Promise<PipelineNames> {
  const {
    prefix,
    ackWaitMs,
    maxDeliver,
    duplicateWindowMs,
    heartbeatTtlMs,
    recorderAckWaitMs,
    replicas,
    checkpointTtlMs,
    modelBucketBytes,
  } = { ...DEFAULT_PIPELINE_SETTINGS, ...definedOnly(settings) };
  const names = pipelineNames(prefix);
  const jsm = await jetstreamManager(nc);
  await addStreamIfMissing(jsm, {
    name: names.trialsStream,
    subjects: [names.trialSubjects],
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    duplicate_window: nanos(duplicateWindowMs),
    num_replicas: replicas,
  });
  await addStreamIfMissing(jsm, {
    name: names.eventsStream,
    subjects: [names.eventSubjects, names.deadLetterAdvisories],
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    duplicate_window: nanos(Math.min(duplicateWindowMs, 2 * 60_000)),
    max_age: nanos(EVENTS_MAX_AGE_MS),
    num_replicas: replicas,
  });
  await addConsumerIfMissing(jsm, names.trialsStream, {
    durable_name: names.workersConsumer,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(ackWaitMs),
    max_deliver: maxDeliver,
    max_ack_pending: -1,
  });
  await addConsumerIfMissing(jsm, names.eventsStream, {
    durable_name: names.recorderConsumer,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(recorderAckWaitMs),
    max_deliver: -1,
    max_ack_pending: 50_000,
  });
  const kvm = new Kvm(nc);
  await addBucketIfMissing(jsm, kvm, names.heartbeatBucket, { ttl: heartbeatTtlMs, replicas });
  await addBucketIfMissing(jsm, kvm, names.controlBucket, { replicas });
  // Prune orders are kept as long as trial events.
  await addBucketIfMissing(jsm, kvm, names.pruneBucket, { replicas, ttl: EVENTS_MAX_AGE_MS });
  await addObjectStoreIfMissing(jsm, nc, names.checkpointBucket, { replicas, ttl: nanos(checkpointTtlMs) });
  // Kept weights stay until someone deletes them; modelBucketBytes bounds the bucket.
  await addObjectStoreIfMissing(jsm, nc, names.modelBucket, { replicas, max_bytes: modelBucketBytes });
  return names;
}

/** The settings given a value: an option left undefined keeps its default. */
const definedOnly = <T extends object>(settings: T): Partial<T> =>
  Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)) as Partial<T>;

type Manager = Awaited<ReturnType<typeof jetstreamManager>>;
type StreamConfig = Parameters<Manager["streams"]["add"]>[0];
type ConsumerConfig = Parameters<Manager["consumers"]["add"]>[1] & { durable_name: string };

async function addStreamIfMissing(jsm: Manager, config: StreamConfig & { name: string }): Promise<void> {
  let existing: string[];
  try {
    existing = (await jsm.streams.info(config.name)).config.subjects ?? [];
  } catch (error) {
    if ((error as { name?: string }).name !== "StreamNotFoundError") throw error;
    await jsm.streams.add(config);
    return;
  }
  const missing = (config.subjects ?? []).filter((subject) => !existing.includes(subject));
  if (missing.length > 0) await jsm.streams.update(config.name, { subjects: [...existing, ...missing] });
}

async function addConsumerIfMissing(jsm: Manager, stream: string, config: ConsumerConfig): Promise<void> {
  try {
    await jsm.consumers.info(stream, config.durable_name);
  } catch (error) {
    if ((error as { name?: string }).name !== "ConsumerNotFoundError") throw error;
    await jsm.consumers.add(stream, config);
  }
}

async function addBucketIfMissing(
  jsm: Manager,
  kvm: Kvm,
  bucket: string,
  options: { ttl?: number; replicas: number },
): Promise<void> {
  try {
    await jsm.streams.info(`KV_${bucket}`);
  } catch (error) {
    if ((error as { name?: string }).name !== "StreamNotFoundError") throw error;
    await kvm.create(bucket, { history: 1, storage: "file", ...options });
  }
}

async function addObjectStoreIfMissing(
  jsm: Manager,
  nc: NatsConnection,
  bucket: string,
  options: { replicas: number; ttl?: number; max_bytes?: number },
): Promise<void> {
  try {
    await jsm.streams.info(`OBJ_${bucket}`);
  } catch (error) {
    if ((error as { name?: string }).name !== "StreamNotFoundError") throw error;
    await new Objm(nc).create(bucket, { storage: StorageType.File, ...options });
  }
}

/** Deletes everything `ensurePipeline` created under `prefix` (tests clean up with it). */
export async function deletePipeline(nc: NatsConnection, prefix: string): Promise<void> {
  const names = pipelineNames(prefix);
  const jsm = await jetstreamManager(nc);
  for (const stream of [
    names.trialsStream,
    names.eventsStream,
    `KV_${names.heartbeatBucket}`,
    `KV_${names.controlBucket}`,
    `KV_${names.pruneBucket}`,
    `OBJ_${names.checkpointBucket}`,
    `OBJ_${names.modelBucket}`,
  ]) {
    await jsm.streams.delete(stream).catch(() => false);
  }
}
