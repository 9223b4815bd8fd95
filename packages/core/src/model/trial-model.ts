import { describeValue, isUsageError, UsageError } from "../errors.js";
import { compileModel } from "../layers.js";
import type { ModelSpec } from "../model-spec.js";
import { kerasLayerNames, summarizeModel } from "../model-summary.js";
import type { Layer } from "./layer.js";
import { MODEL_LIMITS } from "./parts.js";

/** Which trial a model belongs to, for messages. */
export interface TrialContext {
  /** Config path of the trial's origin: `parameters` or `variants[2]`. */
  where: string;
  name: string;
  /** The trial's differing parameters (printed as the message's `got`). */
  params: Record<string, unknown>;
}

/**
 * A trial's compiled layers and total parameters. A contradictory spec, a stack that
 * collapses and a model over the parameter limit are each a one-line UsageError
 * naming the trial, the layer (and where a block model writes it) and the shapes.
 */
export function trialModel(model: ModelSpec, trial: TrialContext): { layers: Layer[]; totalParams: number } {
  const label = describeValue(trial.name);
  const got = describeValue(trial.params);
  let compiled: ReturnType<typeof compileModel>;
  try {
    compiled = compileModel(model);
  } catch (error) {
    if (!isUsageError(error) || Object.keys(trial.params).length === 0) throw error;
    throw new UsageError(`${trial.where}: trial ${label}: ${error.message}`, trial.where);
  }
  const { layers, origins } = compiled;
  let totalParams: number;
  try {
    totalParams = summarizeModel(model.input_shape, layers).totalParams;
  } catch (error) {
    if (!isUsageError(error)) throw error;
    const index = kerasLayerNames(layers).findIndex(({ name }) => name === error.where);
    const origin = origins[index];
    const message = origin ? error.message.replace(/^([a-z0-9_]+):/, `$1 (${origin}):`) : error.message;
    throw new UsageError(`${trial.where}: trial ${label} collapses at ${message}, got ${got}`, trial.where);
  }
  if (totalParams > MODEL_LIMITS.params) {
    throw new UsageError(
      `${trial.where}: trial ${label} has ${totalParams.toLocaleString("en-US")} parameters, more than the limit of ${MODEL_LIMITS.params.toLocaleString("en-US")}, got ${got}`,
      trial.where,
    );
  }
  return { layers, totalParams };
}
