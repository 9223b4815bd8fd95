export { type RungDecision, type RungQuestion, rungDecision, rungMetric, rungsFor } from "./asha.js";
export {
  type AdaptiveSearch,
  adaptiveSearchOf,
  type DecidedRung,
  describeSearchProgress,
  rungName,
} from "./search-progress.js";
export { type Dimension, pointOverrides, type SearchPoint, samplePoint, searchSpace } from "./search-space.js";
export { goodCount, type Observation, proposeTrial, startupTrialsFor, type TpeOptions } from "./tpe.js";
export { trialPoint } from "./trial-point.js";
