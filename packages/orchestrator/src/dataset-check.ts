import { existsSync } from "node:fs";
import {
  checkTrialFitsData,
  type DatasetShape,
  describeValue,
  isUsageError,
  type TrialSpec,
  UsageError,
} from "@sweep/core";
import { BUILTIN_MNIST, readDatasetShape } from "@sweep/worker/lite";
import type { WrittenSources } from "./dataset-source.js";

/** The shape of each data set the trials use, by `dataset.source`. */
export type DatasetShapes = ReadonlyMap<string, DatasetShape>;

/**
 * Reads the IDX headers of every data set the trials use and refuses, before anything
 * runs, a trial that cannot train on its data (`checkTrialFitsData`: input shape and
 * channels, train/test limits, the validation split). Errors are one line prefixed
 * with the config file; a missing folder names the source as written and as resolved
 * (`written`, from `loadConfigFile`). With `onlyLocalSources` (launch: workers may
 * hold a folder this machine lacks) a source folder missing here is not checked.
 */
export async function checkTrialsAgainstData(
  configPath: string,
  trials: readonly TrialSpec[],
  { onlyLocalSources = false, written = new Map() as WrittenSources } = {},
): Promise<DatasetShapes> {
  const shapes = new Map<string, DatasetShape>();
  try {
    for (const trial of trials) {
      const { source } = trial.dataset;
      if (source !== BUILTIN_MNIST && !existsSync(source)) {
        if (onlyLocalSources) continue;
        throw missingSource(source, written.get(source));
      }
      let shape = shapes.get(source);
      if (!shape) {
        shape = await readDatasetShape(source);
        shapes.set(source, shape);
      }
      // Messages name the data set as the config wrote it.
      checkTrialFitsData(trial, { ...shape, source: written.get(source) ?? source });
    }
  } catch (error) {
    if (isUsageError(error)) throw new UsageError(`${configPath}: ${error.message}`, error.where);
    throw error;
  }
  return shapes;
}

/** The folder is not there: named as written, and where it was looked for when it was relative. */
function missingSource(source: string, written: string | undefined): UsageError {
  const where = written === undefined ? "" : ` ${source}, resolved against the config file's folder`;
  return new UsageError(
    `dataset.source: must be "mnist" or a folder holding the four IDX files or CIFAR-10 binary batches, got ${describeValue(written ?? source)} (no such folder${where})`,
    "dataset.source",
  );
}
