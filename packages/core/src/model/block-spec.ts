import { z } from "zod";
import { convSchema, MODEL_LIMITS, poolSchema, rate } from "./parts.js";

/*
 * Conv blocks: `conv` layers, each optionally batch-normalized, then an optional
 * pooling layer and Dropout. A model is a list of blocks (`blocks`), a template
 * repeated `depth` times (`block`), or the flat spec (`conv`, `pool`,
 * `conv_dropout`, `batch_norm`), which is one block.
 */

export const BATCH_NORM_PLACES = ["before_activation", "after_activation"] as const;
export type BatchNormPlace = (typeof BATCH_NORM_PLACES)[number];

/**
 * Where a block's BatchNormalization layers go: after each conv's linear output and
 * before its activation (Conv2D(linear) → BatchNormalization → Activation), or after
 * the activation (Conv2D(relu) → BatchNormalization). `true` means
 * `before_activation` (the BatchNormalization paper's placement); `false` and `null`
 * mean none.
 */
export const batchNormSchema = z.union([z.enum(BATCH_NORM_PLACES), z.boolean()]).nullable();
export type BatchNormSpec = z.infer<typeof batchNormSchema>;

/** `true` → before_activation; false/null/undefined → undefined. */
export function batchNormPlace(spec: BatchNormSpec | undefined): BatchNormPlace | undefined {
  if (spec === true) return "before_activation";
  return spec === false || spec === null || spec === undefined ? undefined : spec;
}

const blockShape = {
  /** The block's conv layers, in order. */
  conv: z.array(convSchema).max(MODEL_LIMITS.convLayers),
  /** A pooling layer after the convs; absent or `null`: none. */
  pool: poolSchema.nullable().optional(),
  /** Dropout after the pooling layer; absent or 0: none. */
  dropout: rate.optional(),
  /** BatchNormalization after each conv (see `batchNormSchema`); absent: none. */
  batch_norm: batchNormSchema.optional(),
};

export const blockSchema = z.object(blockShape).strict();
export type BlockSpec = z.infer<typeof blockSchema>;

/**
 * The block `depth` repeats: block i (from 0) has each conv's filters ×
 * growth^i, rounded half up (growth 2: 32 → 64 → 128; growth 1.5: 10 → 15 → 23);
 * a block whose filters round to 0, or to more than the width limit, is refused.
 */
export const blockTemplateSchema = z
  .object({
    ...blockShape,
    /** Factor of the filters from one block to the next; default 2. */
    growth: z.number().positive().max(16).optional(),
  })
  .strict();
export type BlockTemplateSpec = z.infer<typeof blockTemplateSchema>;

export const HEADS = ["flatten", "global_avg", "global_max"] as const;
export type Head = (typeof HEADS)[number];
