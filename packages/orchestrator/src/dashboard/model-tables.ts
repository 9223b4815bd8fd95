import type { Layer, ModelSpec } from "@sweep/core";
import type { ModelLayerRow } from "@sweep/dashboard-tui";
import type { SqlReader } from "./sql-reader.js";
import { summarizeModelStandIn } from "./stand-in-core.js";

/** The layer table (layer, output shape, params) of each trial in `trialIds`, from its stored model. */
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
      summarizeModelStandIn(row.model.spec.input_shape, row.model.layers).map((layer) => ({
        layer: `${layer.name} (${layer.type})`,
        outputShape: `(${layer.outputShape.map((d) => d ?? "None").join(", ")})`,
        params: layer.params,
      })),
    ]),
  );
}
