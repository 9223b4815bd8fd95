import { type Layer, type ModelSpec, summarizeModel } from "@sweep/core";
import type { ModelLayerRow } from "@sweep/dashboard-tui";
import type { SqlReader } from "./sql-reader.js";

/** The layer table (layer, output shape, params) of each trial in `trialIds`: core's summary of its stored layers. */
export async function readModelTables(
  db: SqlReader,
  trialIds: readonly string[],
): Promise<Map<string, ModelLayerRow[]>> {
  if (trialIds.length === 0) return new Map();
  const rows = await db.query<{ id: string; model: { spec: ModelSpec; layers: Layer[] } }>(
    "SELECT id, model FROM trials WHERE id = ANY($1::text[])",
    [trialIds],
  );
  return new Map(
    rows.map((row) => [
      row.id,
      summarizeModel(row.model.spec.input_shape, row.model.layers).layers.map((layer) => ({
        layer: `${layer.name} (${layer.type})`,
        outputShape: `(None, ${layer.outputShape.join(", ")})`,
        params: layer.params,
      })),
    ]),
  );
}
