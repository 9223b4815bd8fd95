import type { Activation } from "./parts.js";

/** Keras 2 BatchNormalization defaults, the only ones a model spec gives. */
export const BATCH_NORM_DEFAULTS = { momentum: 0.99, epsilon: 1e-3 } as const;

/**
 * One layer of the compiled Sequential stack, fully resolved (no defaults left).
 * The worker builds its network from exactly this; `core` derives shapes and
 * parameter counts from it. A trial's key hashes this list, so a layer that
 * existed before keeps its exact fields.
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
  /** BatchNormalization over the channel axis: gamma, beta, moving mean, moving variance. */
  | { kind: "batch_norm"; momentum: number; epsilon: number }
  /** A standalone Activation layer (after a BatchNormalization placed before the activation). */
  | { kind: "activation"; activation: Activation }
  /** GlobalAveragePooling2D / GlobalMaxPooling2D: (h, w, c) → (c). */
  | { kind: "global_pool2d"; mode: "max" | "avg" }
  | { kind: "dropout"; rate: number }
  | { kind: "flatten" }
  | { kind: "dense"; units: number; activation: Activation };
