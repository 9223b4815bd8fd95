export {
  type RungDecision,
  type RungMetric,
  type RungQuestion,
  rungAt,
  rungDecision,
  rungMetric,
  rungsFor,
} from "./asha.js";
export {
  type DecidedRung,
  describeSearchProgress,
  rungName,
  type SearchOutline,
  searchOutline,
} from "./search-progress.js";
export { type Dimension, pointOverrides, type SearchPoint, samplePoint, searchSpace } from "./search-space.js";
export { type Proposer, type RungSchedule, type SweepSearch, sweepSearch } from "./sweep-search.js";
export { goodCount, type Observation, proposeTrial, startupTrialsFor, type TpeOptions } from "./tpe.js";
export { trialPoint } from "./trial-point.js";
