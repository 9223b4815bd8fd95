export type { EpochRow, SweepRow, TrialRow, WorkerRow } from "./db-schema.js";
export * as dbSchema from "./db-schema.js";
export * from "./errors.js";
export * from "./messages.js";
export * from "./model-spec.js";
export * from "./training-spec.js";
export * from "./trial.js";
