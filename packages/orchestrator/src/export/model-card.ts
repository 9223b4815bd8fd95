import type { KeptKind, WeightsFileHeader } from "@sweep/core";
import type { SweepRow, TrialHeader } from "@sweep/store";

/** The file beside an exported model that says what it is. */
export const MODEL_CARD_FILE = "sweep-model.json";

/**
 * `sweep-model.json`: the sweep and trial the model comes from, the swept params, which
 * epoch's weights and their metrics, the test figures and which weights they were
 * scored on, and how an image becomes the model's input.
 */
export function modelCard(
  sweep: Pick<SweepRow, "id" | "name" | "config">,
  trial: TrialHeader,
  weights: WeightsFileHeader,
) {
  const metric = (sweep.config as { metric?: { name?: string; goal?: string } }).metric ?? {};
  const { spec } = trial.model;
  return {
    sweep: {
      id: sweep.id,
      name: sweep.name,
      metric: { name: metric.name ?? "val_loss", goal: metric.goal ?? "minimize" },
    },
    trial: { id: trial.id, name: trial.name, ordinal: trial.ordinal, status: trial.status },
    params: trial.params,
    weights: { kind: weights.kind as KeptKind, epoch: weights.epoch },
    metrics: weights.metrics,
    // The test figures and the weights they are of: the last epoch's, or the best's (training.restore_best_weights).
    test: {
      loss: trial.test_loss,
      accuracy: trial.test_accuracy,
      weights: trial.test_weights ?? (trial.test_loss === null ? null : "last"),
      epoch: trial.test_epoch,
    },
    input: {
      shape: spec.input_shape,
      layout: "NHWC: [batch, height, width, channels], channels interleaved",
      normalisation: "each pixel byte divided by 255 (range 0 to 1), no mean or deviation subtracted",
    },
    output: { classes: spec.classes, activation: "softmax", meaning: "probability of each class index" },
  };
}
