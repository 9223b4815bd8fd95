import { z } from "zod";
import { batchNormSchema, blockSchema, blockTemplateSchema, HEADS } from "./model/block-spec.js";
import { convSchema, denseSchema, MODEL_LIMITS, poolSchema, positiveInt, rate, side, width } from "./model/parts.js";

export * from "./model/block-spec.js";
export * from "./model/layer.js";
export * from "./model/parts.js";

/**
 * The model a trial trains, as the user writes it: a Keras-style CNN template.
 *
 * It compiles (see `layers.ts`) to this Sequential stack:
 *   for each conv block: its convs (each with BatchNormalization?) → pool? → Dropout?
 *   → head: Flatten | GlobalAveragePooling2D | GlobalMaxPooling2D
 *   → for each dense[i]: Dense(units, activation) → Dropout(dense_dropout)?
 *   → Dense(classes, softmax)
 * The conv blocks are `blocks`, or `block` repeated `depth` times, or else the flat
 * keys as one block: conv[0] → … → pool? → Dropout(conv_dropout)?.
 *
 * Every key is addressable from a sweep's `parameters` by a dotted path, e.g.
 * `model.pool.size`, `model.conv`, `model.dense`, `model.depth`. The keys added with
 * blocks have no defaults, so a flat spec parses (and hashes) as it always did.
 */
export const modelSchema = z
  .object({
    /** Input image shape (height, width, channels); MNIST is [28, 28, 1]. */
    input_shape: z.tuple([side, side, positiveInt.max(MODEL_LIMITS.channels)]).default([28, 28, 1]),
    conv: z
      .array(convSchema)
      .max(MODEL_LIMITS.convLayers)
      .default([
        { filters: 32, kernel: 3, strides: 1, padding: "valid", activation: "relu" },
        { filters: 64, kernel: 3, strides: 1, padding: "valid", activation: "relu" },
      ]),
    /** `null` means no pooling layer. */
    pool: poolSchema.nullable().default({ type: "max", size: 2, padding: "valid" }),
    /** Dropout after the conv block; 0 means no Dropout layer. */
    conv_dropout: rate.default(0.25),
    /** BatchNormalization after each flat conv; absent: none. */
    batch_norm: batchNormSchema.optional(),
    /** Conv blocks, in order; replace conv, pool, conv_dropout and batch_norm. `null`: the flat keys. */
    blocks: z.array(blockSchema).min(1).max(MODEL_LIMITS.blocks).nullable().optional(),
    /** A block repeated `depth` times, filters growing per block; replaces the flat keys. */
    block: blockTemplateSchema.optional(),
    /** How many times `block` repeats (default 1). */
    depth: positiveInt.max(MODEL_LIMITS.blocks).optional(),
    /** What turns the last feature map into a vector; absent: flatten. */
    head: z.enum(HEADS).optional(),
    /** Hidden Dense layers between the head and the classifier; [] means none. */
    dense: z.array(denseSchema).max(MODEL_LIMITS.denseLayers).default([128]),
    /** Dropout after each hidden Dense; 0 means no Dropout layer. */
    dense_dropout: rate.default(0.5),
    classes: width.default(10),
  })
  .strict();
export type ModelSpec = z.infer<typeof modelSchema>;
