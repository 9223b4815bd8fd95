import { initBackend } from "../dist/backends/index.js";
import { loadDataset } from "../dist/data/dataset.js";
import type { TrainOutcome } from "../dist/protocol.js";
import type { TrainTask } from "../dist/train-task.js";
import { identityOrder, makeBatch, splitTrialData } from "../dist/training/batches.js";
import { buildNetwork } from "../dist/training/network.js";
import { createOptimizer } from "../dist/training/optimizers.js";
import { TrialRandom } from "../dist/training/random.js";
import { trainBatch } from "../dist/training/train-trial.js";
import { countBatch } from "../dist/watchdog/batch-clock.js";

/** How `bench:train` asks a thread to time training steps: in `trial.params.bench`. */
export interface ThroughputSettings {
  warmupBatches: number;
  timedBatches: number;
  runs: number;
}

/**
 * The outcome plus images/s of each timed run, and the same runs' images per second
 * of the process's CPU time (user + system, every thread: a fair per-core figure only
 * while this thread is the one training).
 */
export type ThroughputOutcome = TrainOutcome & { imagesPerSecond: number[]; imagesPerCpuSecond: number[] };

/**
 * BENCHMARK TASK for `TrainingPool`: trains the trial's model with the real training
 * step (same network, optimizer and batches as the trainer) for warm-up batches, then
 * times `runs` runs of `timedBatches` batches each.
 */
export default async function throughputTask(task: TrainTask): Promise<ThroughputOutcome> {
  const settings = task.trial.params.bench as ThroughputSettings;
  const [backend, dataset] = await Promise.all([
    initBackend(task.backend),
    task.dataset ?? loadDataset(task.trial.dataset.source),
  ]);
  const { trial } = task;
  const random = new TrialRandom(trial.training.seed);
  const network = buildNetwork(trial.layers, trial.model.input_shape, trial.model.classes, random);
  const optimizer = createOptimizer(trial.training, network.weights);
  const data = splitTrialData(dataset, trial.dataset, trial.training);
  const order = random.shuffle(identityOrder(data.train.count));
  const batchSize = trial.training.batch_size;
  let cursor = 0;
  const step = () => {
    const positions = order.subarray(cursor, cursor + batchSize);
    cursor = (cursor + batchSize) % (order.length - batchSize);
    trainBatch(network, optimizer, makeBatch(data.train, positions, trial.model.classes), random);
    countBatch(task.batchClock); // the pool's watchdog: this thread is not stuck
  };
  try {
    for (let i = 0; i < settings.warmupBatches; i++) step();
    const imagesPerSecond: number[] = [];
    const imagesPerCpuSecond: number[] = [];
    const images = settings.timedBatches * batchSize;
    for (let run = 0; run < settings.runs; run++) {
      const [started, cpuStarted] = [performance.now(), process.cpuUsage()];
      for (let i = 0; i < settings.timedBatches; i++) step();
      const cpu = process.cpuUsage(cpuStarted);
      imagesPerSecond.push(images / ((performance.now() - started) / 1000));
      imagesPerCpuSecond.push(images / ((cpu.user + cpu.system) / 1e6));
    }
    return {
      status: "completed",
      test_loss: Number.NaN,
      test_accuracy: Number.NaN,
      epochs: 0,
      backend: backend.name,
      imagesPerSecond,
      imagesPerCpuSecond,
    };
  } finally {
    optimizer.dispose();
    network.dispose();
  }
}
