import { FLOPS_COUNTED, formatCount, kerasShape, PRINTABLE_LENGTH, printable } from "@sweep/core";
import type { TrialModelSummary } from "./trial-summary.js";

/**
 * The Keras `model.summary()` table of one trial:
 *
 *   Layer (type)                 Output Shape              Param #
 *   =================================================================
 *   conv2d_1 (Conv2D)            (None, 26, 26, 32)        320
 *   …
 *   Total params: 1,199,882
 */
export function summaryTable({ trial, summary }: TrialModelSummary): string {
  const layerWidth = Math.max(29, ...summary.layers.map((layer) => `${layer.name} (${layer.type})`.length + 2));
  const width = layerWidth + 36;
  const rule = "=".repeat(width);
  const row = (layer: string, shape: string, params: string) =>
    `${layer.padEnd(layerWidth)}${shape.padEnd(26)}${params}`;
  const lines = [
    `Trial ${trial.ordinal}: ${printable(trial.name, PRINTABLE_LENGTH.cell)}`,
    "_".repeat(width),
    row("Layer (type)", "Output Shape", "Param #"),
    rule,
  ];
  summary.layers.forEach((layer, index) => {
    if (index > 0) lines.push("_".repeat(width));
    lines.push(row(`${layer.name} (${layer.type})`, kerasShape(layer.outputShape), formatCount(layer.params)));
  });
  lines.push(
    rule,
    `Total params: ${formatCount(summary.totalParams)}`,
    `Trainable params: ${formatCount(summary.trainableParams)}`,
    `Non-trainable params: ${formatCount(summary.totalParams - summary.trainableParams)}`,
    `FLOPs per image (forward): ${formatCount(summary.flopsPerImage)} — ${FLOPS_COUNTED}`,
  );
  return `${lines.join("\n")}\n`;
}
