import { Objm } from "@nats-io/obj";
import type { NatsConnection } from "@nats-io/transport-node";
import type { PipelineNames } from "./names.js";

/**
 * Where a trial's latest checkpoint (the bytes of its last `epoch` progress message)
 * is kept between attempts, keyed by trial id. A worker saves one after each epoch
 * whose event is stored, loads it when a trial is delivered again, and removes it
 * when the trial completes, is pruned or fails for good (a cancelled trial keeps it,
 * so `sweep resume` continues where it stopped).
 */
export interface TrialCheckpoints {
  /** The latest checkpoint of the trial, or undefined when there is none. */
  load(trialId: string): Promise<Uint8Array | undefined>;
  /**
   * Replaces the trial's checkpoint with the one taken after `epoch`, unless one from a
   * later delivery is stored: an attempt that lost its trial without knowing it must
   * not overwrite the newer attempt's progress.
   */
  save(trialId: string, epoch: number, bytes: Uint8Array, delivery?: Delivery): Promise<void>;
  remove(trialId: string): Promise<void>;
}

/**
 * Which delivery took a checkpoint: the trial message's stream sequence (a retry or
 * resume publishes a new message, with a higher one) and its delivery count.
 */
export interface Delivery {
  message: number;
  attempt: number;
}

const isLater = (a: Delivery, b: Delivery) =>
  a.message > b.message || (a.message === b.message && a.attempt > b.attempt);

const LOAD_TIMEOUT_MS = 30_000;

const timeout = (ms: number, what: string) =>
  new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms).unref(),
  );

/** Checkpoints in the pipeline's JetStream Object Store bucket (created by `ensurePipeline`). */
export async function openNatsCheckpoints(nc: NatsConnection, names: PipelineNames): Promise<TrialCheckpoints> {
  const store = await new Objm(nc).open(names.checkpointBucket);
  return {
    async load(trialId) {
      // Reading an object that another attempt replaces meanwhile can wait forever for purged chunks.
      const blob = await Promise.race([
        store.getBlob(trialId),
        timeout(LOAD_TIMEOUT_MS, `loading ${trialId}'s checkpoint`),
      ]);
      // A copy of just these bytes: the blob may be a view into a larger buffer.
      return blob?.slice();
    },
    async save(trialId, epoch, bytes, delivery = { message: 0, attempt: 0 }) {
      const stored = await store.info(trialId);
      if (stored && !stored.deleted) {
        const storedBy = {
          message: Number(stored.metadata?.message ?? 0),
          attempt: Number(stored.metadata?.attempt ?? 0),
        };
        if (isLater(storedBy, delivery)) return;
      }
      const metadata = { message: String(delivery.message), attempt: String(delivery.attempt), epoch: String(epoch) };
      await store.putBlob({ name: trialId, description: `after epoch ${epoch}`, metadata }, bytes);
    },
    async remove(trialId) {
      await store.delete(trialId);
    },
  };
}
