import { existsSync } from "node:fs";
import { checkTrialFitsData, type DatasetShape, isUsageError, type TrialSpec, UsageError } from "@sweep/core";
import { BUILTIN_MNIST, readDatasetShape } from "@sweep/worker/lite";

/** The shape of each data set the trials use, by `dataset.source`. */
export type DatasetShapes = ReadonlyMap<string, DatasetShape>;

/**
 * Reads the IDX headers of every data set the trials use and refuses, before anything
 * runs, a trial that cannot train on its data (`checkTrialFitsData`: input shape and
 * channels, train/test limits, the validation split). Errors are one line prefixed
 * with the config file. With `onlyLocalSources` (launch: workers may hold a folder
 * this machine lacks) a source folder missing here is not checked.
 */
export async function checkTrialsAgainstData(
  configPath: string,
  trials: readonly TrialSpec[],
  { onlyLocalSources = false } = {},
): Promise<DatasetShapes> {
  const shapes = new Map<string, DatasetShape>();
  try {
    for (const trial of trials) {
      const { source } = trial.dataset;
      if (onlyLocalSources && source !== BUILTIN_MNIST && !existsSync(source)) continue;
      let shape = shapes.get(source);
      if (!shape) {
        shape = await readDatasetShape(source);
        shapes.set(source, shape);
      }
      checkTrialFitsData(trial, shape);
    }
  } catch (error) {
    if (isUsageError(error)) throw new UsageError(`${configPath}: ${error.message}`, error.where);
    throw error;
  }
  return shapes;
}
