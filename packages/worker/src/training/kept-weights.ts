import {
  DEFAULT_MONITOR,
  type EpochMetrics,
  encodeWeightsFile,
  isBetterEpoch,
  type KeptKind,
  keptKinds,
  kerasWeightSpecs,
  type TrialSpec,
} from "@sweep/core";
import * as tf from "@tensorflow/tfjs-core";
import type { KeptWeightsBytes } from "../protocol.js";

/** A trial's best epoch so far by its monitor, with the network's values after it (Keras order). */
export interface BestEpoch {
  epoch: number;
  values: Float32Array;
}

/** Every variable's values, one after another (`Network.kerasOrder`: the order of a weights file). */
export async function readValues(variables: readonly tf.Variable[]): Promise<Float32Array> {
  const arrays = await Promise.all(variables.map((variable) => variable.data<"float32">()));
  const values = new Float32Array(arrays.reduce((sum, array) => sum + array.length, 0));
  let offset = 0;
  for (const array of arrays) {
    values.set(array, offset);
    offset += array.length;
  }
  return values;
}

/** Puts `values` (from `readValues` of the same variables) back into the variables. */
export function assignValues(variables: readonly tf.Variable[], values: Float32Array): void {
  let offset = 0;
  for (const variable of variables) {
    const saved = tf.tensor(values.subarray(offset, offset + variable.size), variable.shape);
    variable.assign(saved);
    saved.dispose();
    offset += variable.size;
  }
}

/** Whether the trial tracks its best epoch: it keeps the best weights, or restores them before the test. */
export const tracksBest = (trial: TrialSpec): boolean =>
  trial.training.restore_best_weights === true || keptKinds(trial.training.keep_weights).includes("best");

/**
 * After an epoch: the new best when `metrics` beats the best so far by the trial's
 * monitor (its values read now), else the best so far.
 */
export async function nextBest(
  trial: TrialSpec,
  history: readonly EpochMetrics[],
  best: BestEpoch | undefined,
  metrics: EpochMetrics,
  variables: readonly tf.Variable[],
): Promise<BestEpoch | undefined> {
  if (!tracksBest(trial)) return undefined;
  const bestMetrics = best && history.find(({ epoch }) => epoch === best.epoch);
  if (!isBetterEpoch(metrics, bestMetrics, trial.monitor ?? DEFAULT_MONITOR)) return best;
  return { epoch: metrics.epoch, values: await readValues(variables) };
}

/**
 * Before the test set is scored: the best epoch's weights back in the variables when
 * `training.restore_best_weights` asks for them (Keras' `EarlyStopping(restore_best_weights=True)`)
 * and there is a best epoch; which weights the test figures are then of.
 */
export function weightsForTest(
  trial: TrialSpec,
  best: BestEpoch | undefined,
  variables: readonly tf.Variable[],
  lastEpoch: number,
): { test_weights: KeptKind; test_epoch: number } {
  if (trial.training.restore_best_weights !== true || best === undefined) {
    return { test_weights: "last", test_epoch: lastEpoch };
  }
  assignValues(variables, best.values);
  return { test_weights: "best", test_epoch: best.epoch };
}

/**
 * The weights files a finished trial (completed, or pruned at its last epoch) keeps, as
 * `training.keep_weights` asks: its best epoch's (when an epoch had a finite monitor
 * value) and its last epoch's, in Keras' order and names.
 */
export async function keptWeightsFiles(
  trial: TrialSpec,
  history: readonly EpochMetrics[],
  best: BestEpoch | undefined,
  variables: readonly tf.Variable[],
): Promise<KeptWeightsBytes[]> {
  const weights = kerasWeightSpecs(trial.model.input_shape, trial.layers);
  const files: KeptWeightsBytes[] = [];
  for (const kind of keptKinds(trial.training.keep_weights)) {
    const last = history[history.length - 1];
    const chosen = kind === "best" ? best : last && { epoch: last.epoch, values: await readValues(variables) };
    const found = chosen && history.find(({ epoch }) => epoch === chosen.epoch);
    if (!chosen || !found) continue;
    const { epoch, loss, accuracy, val_loss, val_accuracy } = found;
    const metrics = { epoch, loss, accuracy, val_loss, val_accuracy };
    const header = { format: 1 as const, trialId: trial.id, kind, epoch: chosen.epoch, metrics, weights };
    files.push({ kind, epoch: chosen.epoch, bytes: encodeWeightsFile(header, chosen.values) });
  }
  return files;
}
