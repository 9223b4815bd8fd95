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

/** Checkpoints in the pipeline's JetStream Object Store bucket (created by `ensurePipeline`). */
export async function openNatsCheckpoints(nc: NatsConnection, names: PipelineNames): Promise<TrialCheckpoints> {
  const store = await new Objm(nc).open(names.checkpointBucket);
  return {
    async load(trialId) {
      // A copy of just these bytes: the blob may be a view into a larger buffer.
      return (await store.getBlob(trialId))?.slice();
    },
    async save(trialId, epoch, bytes) {
      await store.putBlob({ name: trialId, description: `after epoch ${epoch}` }, bytes);
    },
    async remove(trialId) {
      await store.delete(trialId);
    },
  };
}
