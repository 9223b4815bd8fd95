import type { Layer } from "@sweep/core";

/*
 * STAND-INS for core's `detectOverfit` and `summarizeModel`, which had not landed
 * when the dashboard was written. The integrator replaces their uses (bench/seed-sweep.ts,
 * dashboard/model-tables.ts, the loader test) with core's functions and deletes this file.
 */
/**
 * STAND-IN for core's `detectOverfit` (not landed yet), as the recorder would store
 * it: the best epoch is the lowest val_loss; overfitting begins the epoch after it
 * when at least `patience` epochs follow, all above the best, while loss still falls.
 */
export function analyseEpochsStandIn(
  epochs: ReadonlyArray<{ epoch: number; loss: number; val_loss: number }>,
  patience = 2,
): { bestEpoch: number; bestValLoss: number; overfitEpoch: number | null } {
  const best = epochs.reduce((a, b) => (b.val_loss < a.val_loss ? b : a));
  const after = epochs.filter((e) => e.epoch > best.epoch);
  const lossFalls = after.length > 0 && after[after.length - 1].loss < best.loss;
  return {
    bestEpoch: best.epoch,
    bestValLoss: best.val_loss,
    overfitEpoch: after.length >= patience && lossFalls ? best.epoch + 1 : null,
  };
}

/** One row of the `plot_model(show_shapes=True)` view. */
export interface LayerSummaryStandIn {
  name: string;
  type: string;
  outputShape: Array<number | null>;
  params: number;
}

/**
 * STAND-IN for core's `summarizeModel(inputShape, layers)` (not landed yet): each
 * layer's Keras name, output shape (batch dimension null) and parameter count.
 */
export function summarizeModelStandIn(inputShape: readonly number[], layers: readonly Layer[]): LayerSummaryStandIn[] {
  let shape = [...inputShape];
  const counts = new Map<string, number>();
  return layers.map((layer) => {
    const [type, prefix] = KERAS_NAMES[layer.kind];
    counts.set(prefix, (counts.get(prefix) ?? 0) + 1);
    let params = 0;
    if (layer.kind === "conv2d" || layer.kind === "pool2d") {
      const size = layer.kind === "conv2d" ? layer.kernel : layer.size;
      const out = [0, 1].map((axis) =>
        layer.padding === "same"
          ? Math.ceil(shape[axis] / layer.strides[axis])
          : Math.floor((shape[axis] - size[axis]) / layer.strides[axis]) + 1,
      );
      if (layer.kind === "conv2d") params = (size[0] * size[1] * shape[2] + 1) * layer.filters;
      shape = [out[0], out[1], layer.kind === "conv2d" ? layer.filters : shape[2]];
    } else if (layer.kind === "flatten") {
      shape = [shape.reduce((a, b) => a * b, 1)];
    } else if (layer.kind === "dense") {
      params = (shape[0] + 1) * layer.units;
      shape = [layer.units];
    }
    const name = `${prefix}_${counts.get(prefix)}`;
    return {
      name,
      type: layer.kind === "pool2d" && layer.mode === "avg" ? "AveragePooling2D" : type,
      outputShape: [null, ...shape],
      params,
    };
  });
}

const KERAS_NAMES: Record<Layer["kind"], [string, string]> = {
  conv2d: ["Conv2D", "conv2d"],
  pool2d: ["MaxPooling2D", "max_pooling2d"],
  dropout: ["Dropout", "dropout"],
  flatten: ["Flatten", "flatten"],
  dense: ["Dense", "dense"],
};
