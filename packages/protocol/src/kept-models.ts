import { Objm } from "@nats-io/obj";
import type { NatsConnection } from "@nats-io/transport-node";
import type { KeptKind } from "@sweep/core";
import type { PipelineNames } from "./names.js";

/**
 * Where finished trials' kept weights live (core's weights files), keyed by trial id
 * and kind: written by whoever trained the trial, read by `sweep export` and `sweep
 * predict`. Unlike checkpoints they are never dropped when a trial ends.
 */
export interface KeptModels {
  save(trialId: string, kind: KeptKind, bytes: Uint8Array): Promise<void>;
  /** The stored file, or undefined when there is none. */
  load(trialId: string, kind: KeptKind): Promise<Uint8Array | undefined>;
  remove(trialId: string, kind: KeptKind): Promise<void>;
}

/** A kept model's object (or file) name: `<trialId>.<kind>`. */
export const keptModelName = (trialId: string, kind: KeptKind): string => `${trialId}.${kind}`;

/** Kept models in the pipeline's JetStream Object Store bucket (created by `ensurePipeline`). */
export async function openNatsModels(nc: NatsConnection, names: PipelineNames): Promise<KeptModels> {
  const store = await new Objm(nc).open(names.modelBucket);
  return {
    async save(trialId, kind, bytes) {
      await store.putBlob({ name: keptModelName(trialId, kind) }, bytes);
    },
    async load(trialId, kind) {
      const blob = await store.getBlob(keptModelName(trialId, kind));
      // A plain copy of just these bytes: the blob may be a Buffer view into a larger one.
      return blob ? new Uint8Array(blob) : undefined;
    },
    async remove(trialId, kind) {
      await store.delete(keptModelName(trialId, kind));
    },
  };
}
