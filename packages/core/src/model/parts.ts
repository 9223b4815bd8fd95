import { z } from "zod";

/*
 * The pieces a model spec is written with: sizes, conv, pool and dense layers.
 * `model-spec.ts` assembles them into the model; `block-spec.ts` into conv blocks.
 */

export const ACTIVATIONS = ["relu", "tanh", "sigmoid", "linear", "softmax"] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/**
 * Bounds that keep one trial's model within what a machine can build and draw: a
 * deep stack costs memory in `sweep models` and in every worker before training
 * can fail. The study's largest model has 4 conv layers of 64 filters and a
 * 128-unit Dense layer.
 */
export const MODEL_LIMITS = {
  /** Conv layers in `conv` (and in each block). */
  convLayers: 32,
  /** Blocks in `blocks`, and `depth`. */
  blocks: 16,
  /** Hidden layers in `dense`. */
  denseLayers: 16,
  /** Filters of a conv layer, units of a Dense layer, classes. */
  width: 4096,
  /** Height and width of `input_shape`, kernel and pool sizes, strides. */
  side: 1024,
  /** Channels of `input_shape`. */
  channels: 4,
  /** Parameters of a whole model, trainable or not (Keras' "Total params"). */
  params: 50_000_000,
} as const;

export const positiveInt = z.number().int().positive();
export const side = positiveInt.max(MODEL_LIMITS.side);
export const width = positiveInt.max(MODEL_LIMITS.width);
/** A dropout rate: 0 means no Dropout layer. */
export const rate = z.number().min(0).lt(1);

/** `3` or `[3, 3]`: a square or a (height, width) size. */
export const pairSchema = z.union([side, z.tuple([side, side])]);
export type Pair = z.infer<typeof pairSchema>;

export const convSchema = z
  .object({
    filters: width,
    kernel: pairSchema.default(3),
    strides: pairSchema.default(1),
    padding: z.enum(["valid", "same"]).default("valid"),
    activation: z.enum(ACTIVATIONS).default("relu"),
  })
  .strict();
export type ConvSpec = z.infer<typeof convSchema>;

export const poolSchema = z
  .object({
    type: z.enum(["max", "avg"]).default("max"),
    size: pairSchema.default(2),
    /** Keras default: strides = pool size. */
    strides: pairSchema.optional(),
    padding: z.enum(["valid", "same"]).default("valid"),
  })
  .strict();
export type PoolSpec = z.infer<typeof poolSchema>;

export const denseSchema = z.union([
  width,
  z.object({ units: width, activation: z.enum(ACTIVATIONS).default("relu") }).strict(),
]);
export type DenseSpec = z.infer<typeof denseSchema>;
