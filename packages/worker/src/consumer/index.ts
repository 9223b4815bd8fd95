export { openNatsCheckpoints, type TrialCheckpoints } from "./checkpoints.js";
export { connectNats, DEFAULT_NATS_URL, resolveNatsUrl } from "./connect.js";
export { type PipelineNames, pipelineNames } from "./nats-names.js";
export { eventFactory, runTrialAttempt, type TrialAttempt, type TrialAttemptResult } from "./run-trial.js";
export { InvalidTrialMessage, parseTrialMessage } from "./trial-message.js";
export type { TrainTrialOptions, TrialTrainer } from "./trial-trainer.js";
export { type SweepWorker, startWorker, transientBackoffMs, type WorkerOptions } from "./worker.js";
export { startWorkerProcess, type WorkerProcess, type WorkerProcessOptions } from "./worker-process.js";
