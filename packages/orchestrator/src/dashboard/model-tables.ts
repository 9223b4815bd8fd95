import { kerasShape, summarizeModel } from "@sweep/core";
import type { ModelLayerRow } from "@sweep/dashboard-tui";
import { type Queryable, trialModels } from "@sweep/store";

/** The layer table (layer, output shape, params) of each trial in `trialIds`: core's summary of its stored layers. */
export async function readModelTables(
  db: Queryable,
  trialIds: readonly string[],
): Promise<Map<string, ModelLayerRow[]>> {
  if (trialIds.length === 0) return new Map();
  const rows = await trialModels(db, trialIds);
  return new Map(
    rows.map((row) => [
      row.id,
      summarizeModel(row.model.spec.input_shape, row.model.layers).layers.map((layer) => ({
        layer: `${layer.name} (${layer.type})`,
        outputShape: kerasShape(layer.outputShape),
        params: layer.params,
      })),
    ]),
  );
}
