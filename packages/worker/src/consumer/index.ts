export { type HeartbeatSource, startHeartbeat, workerHeartbeat } from "./heartbeat.js";
export { runTrialAttempt, type TrialAttempt, type TrialAttemptResult } from "./run-trial.js";
export { type AttemptEnd, type Settlement, settleAttempt, transientBackoffMs } from "./settlement.js";
export { type RunningTrial, type StopReason, TrialSlots } from "./trial-slots.js";
export type { TrainTrialOptions, TrialTrainer } from "./trial-trainer.js";
export { defaultWorkerId, type SweepWorker, startWorker, type WorkerOptions } from "./worker.js";
export { startWorkerProcess, type WorkerProcess, type WorkerProcessOptions } from "./worker-process.js";
