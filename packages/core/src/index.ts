export { canonicalJson } from "./canonical-json.js";
export { checkTrialFitsData, type DatasetShape } from "./dataset-fit.js";
export * from "./errors.js";
export { type CollapsedPoint, expandSweep, expandTrials, resolvePoint } from "./expand-trials.js";
export { compileLayers, toPair } from "./layers.js";
export * from "./messages.js";
export { formatCount, kerasShape } from "./model-format.js";
export * from "./model-spec.js";
export {
  FLOPS_COUNTED,
  formatShape,
  kerasLayerNames,
  type LayerSummary,
  type ModelSummary,
  summarizeModel,
} from "./model-summary.js";
export { detectOverfit, type OverfitAnalysis, type OverfitOptions, shouldPrune } from "./overfit.js";
export { parseSweepConfig, validateSweepConfig } from "./parse-sweep-config.js";
export { PRINTABLE_LENGTH, printable } from "./printable.js";
export { SeededRandom, seededRandom } from "./random.js";
export { redactUrls } from "./redact-urls.js";
export * from "./search/index.js";
export * from "./sweep-config.js";
export { configHash, sweepIdFor } from "./sweep-id.js";
export * from "./training-spec.js";
export * from "./trial.js";
export { describeTrialParams } from "./trial-name.js";
export {
  bestEpochOf,
  DEFAULT_MONITOR,
  epochMonitor,
  isBetterEpoch,
  KEPT_KINDS,
  type KeptKind,
  type KeptWeightsRecord,
  keptKinds,
} from "./weights/kept-weights.js";
export {
  decodeFloatFile,
  decodeWeightsFile,
  encodeFloatFile,
  encodeWeightsFile,
  kerasWeightSpecs,
  type WeightSpec,
  type WeightsFileHeader,
} from "./weights/weights-file.js";
