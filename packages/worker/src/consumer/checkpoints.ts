import { Objm } from "@nats-io/obj";
import type { NatsConnection } from "@nats-io/transport-node";
import type { PipelineNames } from "./nats-names.js";

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
  /** Replaces the trial's checkpoint with the one taken after `epoch`. */
  save(trialId: string, epoch: number, bytes: Uint8Array): Promise<void>;
  remove(trialId: string): Promise<void>;
}

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
    async save(trialId, epoch, bytes) {
      await store.putBlob({ name: trialId, description: `after epoch ${epoch}` }, bytes);
    },
    async remove(trialId) {
      await store.delete(trialId);
    },
  };
}

/** Saves one trial's checkpoints in the background, newest first (see `latestCheckpointSaver`). */
export interface CheckpointSaver {
  /** A checkpoint to save once `stored` (its epoch's event reached the stream) resolves. */
  offer(epoch: number, bytes: Uint8Array, stored: Promise<unknown>): void;
  /** Settles when the newest checkpoint offered so far is saved (or failed to). */
  idle(): Promise<void>;
}

/**
 * Saves a trial's checkpoints one at a time, each only after its epoch's event is
 * stored (so a checkpoint is never ahead of the recorded epochs). A checkpoint offered
 * while one is being saved replaces any still waiting: with epochs faster than a save,
 * only the newest is written, and training and events never wait for the store.
 */
export function latestCheckpointSaver(
  checkpoints: TrialCheckpoints,
  trialId: string,
  log: (line: string) => void,
): CheckpointSaver {
  let waiting: { epoch: number; bytes: Uint8Array; stored: Promise<unknown> } | undefined;
  let saving: Promise<void> = Promise.resolve();
  let busy = false;
  const drain = async () => {
    busy = true;
    for (let next = waiting; next; next = waiting) {
      waiting = undefined;
      try {
        await next.stored;
        await checkpoints.save(trialId, next.epoch, next.bytes);
      } catch (error) {
        log(`checkpoint of ${trialId} after epoch ${next.epoch} not saved: ${(error as Error).message ?? error}`);
      }
    }
    busy = false;
  };
  return {
    offer(epoch, bytes, stored) {
      waiting = { epoch, bytes, stored };
      if (!busy) saving = drain();
    },
    idle: () => saving,
  };
}
