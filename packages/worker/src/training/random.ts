/**
 * The seeded random stream of one trial: weight initialisation, the per-epoch
 * shuffle and dropout masks all draw from it, in that order, so a seed fixes a
 * trial. Its state is saved in checkpoints. Core's one seeded generator.
 */
export { SeededRandom as TrialRandom } from "@sweep/core";
