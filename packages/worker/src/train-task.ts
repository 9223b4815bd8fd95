import { initBackend } from "./backends/index.js";
import { type Dataset, loadDataset } from "./data/dataset.js";
import type { TrainOutcome, TrainRequest } from "./protocol.js";
import { trainTrial } from "./training/train-trial.js";
import { countBatch } from "./watchdog/batch-clock.js";

/**
 * What `TrainingPool` sends a thread: the protocol's request plus the trial's data set,
 * whose arrays live in SharedArrayBuffers and so cross without being copied. Without
 * it, the thread loads the data set itself.
 */
export interface TrainTask extends TrainRequest {
  dataset?: Dataset;
}

/** The Piscina task module of the real trainer: one trial per call, on this thread's backend. */
export default async function trainTask(task: TrainTask): Promise<TrainOutcome> {
  const [backend, dataset] = await Promise.all([
    initBackend(task.backend),
    task.dataset ?? loadDataset(task.trial.dataset.source),
  ]);
  return trainTrial({
    trial: task.trial,
    checkpoint: task.checkpoint,
    cancelFlag: task.cancelFlag,
    dataset,
    backend: backend.name,
    post: (progress) => task.port.postMessage(progress),
    onBatch: () => countBatch(task.batchClock),
  });
}
