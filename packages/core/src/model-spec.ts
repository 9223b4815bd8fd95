import { z } from "zod";

/**
 * The model a trial trains, as the user writes it: a Keras-style CNN template.
 *
 * It compiles (see `layers.ts`) to this Sequential stack:
 *   conv[0] → conv[1] → … → pool? → Dropout(conv_dropout)? → Flatten
 *   → for each dense[i]: Dense(units, activation) → Dropout(dense_dropout)?
 *   → Dense(classes, softmax)
 *
 * Every key is addressable from a sweep's `parameters` by a dotted path, e.g.
 * `model.pool.size`, `model.conv`, `model.dense`.
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
  /** Conv layers in `conv`. */
  convLayers: 32,
  /** Hidden layers in `dense`. */
  denseLayers: 16,
  /** Filters of a conv layer, units of a Dense layer, classes. */
  width: 4096,
  /** Height and width of `input_shape`, kernel and pool sizes, strides. */
  side: 1024,
  /** Channels of `input_shape`. */
  channels: 4,
  /** Trainable parameters of a whole model. */
  params: 50_000_000,
} as const;

const positiveInt = z.number().int().positive();
const side = positiveInt.max(MODEL_LIMITS.side);
const width = positiveInt.max(MODEL_LIMITS.width);
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

const rate = z.number().min(0).lt(1);

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
    /** Hidden Dense layers between Flatten and the classifier; [] means none. */
    dense: z.array(denseSchema).max(MODEL_LIMITS.denseLayers).default([128]),
    /** Dropout after each hidden Dense; 0 means no Dropout layer. */
    dense_dropout: rate.default(0.5),
    classes: width.default(10),
  })
  .strict();
export type ModelSpec = z.infer<typeof modelSchema>;

/**
 * One layer of the compiled Sequential stack, fully resolved (no defaults left).
 * The worker builds tfjs layers from exactly this; `core` derives shapes and
 * parameter counts from it.
 */
export type Layer =
  | {
      kind: "conv2d";
      filters: number;
      kernel: [number, number];
      strides: [number, number];
      padding: "valid" | "same";
      activation: Activation;
    }
  | {
      kind: "pool2d";
      mode: "max" | "avg";
      size: [number, number];
      strides: [number, number];
      padding: "valid" | "same";
    }
  | { kind: "dropout"; rate: number }
  | { kind: "flatten" }
  | { kind: "dense"; units: number; activation: Activation };
