import { errorMessage, type KeptWeightsRecord } from "@sweep/core";
import type { KeptModels } from "@sweep/protocol";
import type { KeptWeightsBytes } from "../protocol.js";

/**
 * Stores a finished trial's weights files and says what became of each: a store that
 * refuses one (full disk, full bucket) costs that file, never the trial; the record
 * says why (`stored: false`, `note`). No store: nothing is kept, and the records say so.
 */
export async function keepWeights(
  models: KeptModels | undefined,
  trialId: string,
  files: readonly KeptWeightsBytes[] = [],
): Promise<KeptWeightsRecord[]> {
  const records: KeptWeightsRecord[] = [];
  for (const { kind, epoch, bytes } of files) {
    const record = { kind, epoch, size: bytes.byteLength };
    if (models === undefined) {
      records.push({ ...record, stored: false, note: "no store for kept weights" });
      continue;
    }
    try {
      await models.save(trialId, kind, bytes);
      records.push({ ...record, stored: true });
    } catch (error) {
      records.push({ ...record, stored: false, note: `not stored: ${errorMessage(error)}` });
    }
  }
  return records;
}
