import { type EpochMetrics, shouldPrune, type TrialSpec } from "@sweep/core";
import * as tf from "@tensorflow/tfjs-core";
import type { Dataset } from "../data/dataset.js";
import { DeterministicTrialError, type TrainOutcome, type TrainProgress, type TrainRequest } from "../protocol.js";
import { type Batch, batchPositions, type ImageSlice, identityOrder, makeBatch, splitTrialData } from "./batches.js";
import { encodeCheckpoint, restoreCheckpoint, type TrainingState } from "./checkpoint.js";
import { type BestEpoch, keptWeightsFiles, nextBest, weightsForTest } from "./kept-weights.js";
import { buildNetwork, type Network } from "./network.js";
import { createOptimizer, type KerasOptimizer } from "./optimizers.js";
import { TrialRandom } from "./random.js";

/** Keras' `epsilon()`: predicted probabilities are clipped to [EPSILON, 1 − EPSILON] in the loss. */
const EPSILON = 1e-7;

/** What one trial's training needs besides its spec: the data, the backend in use, the channels to the caller. */
export interface TrainingRun extends Pick<TrainRequest, "trial" | "checkpoint" | "cancelFlag"> {
  dataset: Dataset;
  backend: string;
  post(progress: TrainProgress): void;
  /** Called after every batch completed, training and evaluation (the pool's watchdog counts them). */
  onBatch?(): void;
}

/**
 * Trains one trial with Keras 2 semantics on the current tfjs backend (see
 * the README's "Training" section); every tensor it creates is disposed before it returns.
 */
export async function trainTrial(run: TrainingRun): Promise<TrainOutcome> {
  const { trial, backend } = run;
  const data = splitTrialData(run.dataset, trial.dataset, trial.training);
  checkInputShape(trial, data.train);
  const random = new TrialRandom(trial.training.seed);
  const network = buildNetwork(trial.layers, trial.model.input_shape, trial.model.classes, random);
  const optimizer = createOptimizer(trial.training, network.weights);
  const state: TrainingState = { epoch: 0, randomState: random.state, iterations: 0, history: [] };
  try {
    let best = run.checkpoint ? resume(run.checkpoint, state, network, optimizer, random) : undefined;
    run.post({ type: "started", backend, paramCount: network.paramCount, resumeFromEpoch: state.epoch });
    const { batch_size: batchSize, epochs, shuffle } = trial.training;
    const classes = trial.model.classes;
    const cancelled = () => Atomics.load(run.cancelFlag, 0) === 1;

    for (let epoch = state.epoch + 1; epoch <= epochs; epoch++) {
      const started = performance.now();
      const order = identityOrder(data.train.count);
      if (shuffle) random.shuffle(order);
      let lossSum = 0;
      let correctSum = 0;
      let batchIndex = 0;
      for (const positions of batchPositions(order, batchSize)) {
        if (cancelled()) return { status: "cancelled", epoch: epoch - 1, backend };
        batchIndex += 1;
        const [loss, correct] = trainBatch(network, optimizer, makeBatch(data.train, positions, classes), random);
        if (!Number.isFinite(loss)) {
          throw new DeterministicTrialError(`loss became ${loss} at epoch ${epoch} batch ${batchIndex}`);
        }
        lossSum += loss * positions.length;
        correctSum += correct;
        run.onBatch?.();
      }
      const validation = evaluate(network, data.validation, batchSize, classes, run.onBatch);
      const durationMs = performance.now() - started;
      const metrics: EpochMetrics = {
        epoch,
        loss: lossSum / data.train.count,
        accuracy: correctSum / data.train.count,
        val_loss: validation.loss,
        val_accuracy: validation.accuracy,
        duration_ms: Math.round(durationMs),
        images_per_s: data.train.count / (durationMs / 1000),
      };
      Object.assign(state, { epoch, randomState: random.state, iterations: optimizer.iterations });
      state.history.push(metrics);
      best = await nextBest(trial, state.history, best, metrics, network.kerasOrder);
      const checkpoint = await encodeCheckpoint(state, checkpointed(network, optimizer), best);
      run.post({ type: "epoch", metrics, checkpoint });
      if (shouldPrune(state.history, trial.earlyTerminate, epochs)) {
        const patience = trial.earlyTerminate?.patience;
        return {
          status: "pruned",
          epoch,
          reason: `val_loss stayed above its best for ${patience} epochs while the training loss fell (early_terminate: overfit, patience ${patience})`,
          backend,
          weights: await keptWeightsFiles(trial, state.history, best, network.kerasOrder),
        };
      }
    }
    const weights = await keptWeightsFiles(trial, state.history, best, network.kerasOrder);
    const tested = weightsForTest(trial, best, network.kerasOrder, epochs);
    const test = evaluate(network, data.test, batchSize, classes, run.onBatch);
    return {
      status: "completed",
      test_loss: test.loss,
      test_accuracy: test.accuracy,
      ...tested,
      epochs,
      backend,
      weights,
    };
  } finally {
    optimizer.dispose();
    network.dispose();
  }
}

/** Restores a checkpoint into the network, optimizer, random stream and `state`; returns the best epoch it carries. */
function resume(
  bytes: Uint8Array,
  state: TrainingState,
  network: Network,
  optimizer: KerasOptimizer,
  random: TrialRandom,
): BestEpoch | undefined {
  const { best, ...restored } = restoreCheckpoint(bytes, checkpointed(network, optimizer));
  Object.assign(state, restored);
  random.state = state.randomState;
  optimizer.iterations = state.iterations;
  return best;
}

/** What a checkpoint holds, in order: trainable weights, BatchNormalization's moving statistics, optimizer slots. */
function checkpointed(network: Network, optimizer: KerasOptimizer): tf.Variable[] {
  return [...network.weights, ...network.state, ...optimizer.slots];
}

function checkInputShape(trial: TrialSpec, train: ImageSlice): void {
  const [height, width, channels] = trial.model.input_shape;
  const { set } = train;
  if (height !== set.height || width !== set.width || channels !== set.channels) {
    throw new DeterministicTrialError(
      `model.input_shape: must match the data set's ${set.height}x${set.width}x${set.channels} images, got ${height}x${width}x${channels}`,
    );
  }
}

/** Categorical cross-entropy over softmax probabilities clipped as Keras clips them. */
function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor2D): tf.Tensor1D {
  const probabilities = tf.clipByValue(tf.softmax(logits), EPSILON, 1 - EPSILON);
  return tf.neg(tf.sum(tf.mul(labels, tf.log(probabilities)), -1)) as tf.Tensor1D;
}

function correctCount(logits: tf.Tensor2D, labels: tf.Tensor2D): tf.Scalar {
  return tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(labels, 1)), "int32"));
}

/**
 * One optimizer step; returns the batch's mean loss and correct predictions (before
 * the update, with dropout, as Keras reports them). The loss is NaN when a logit is not
 * finite: clipping the probabilities would otherwise hide a diverged model.
 */
export function trainBatch(
  network: Network,
  optimizer: KerasOptimizer,
  batch: Batch,
  random: TrialRandom,
): [number, number] {
  try {
    const kept = tf.tidy(() => {
      const outputs: tf.Scalar[] = [];
      const { value, grads } = tf.variableGrads(() => {
        const logits = network.logits(batch.images, random);
        outputs.push(tf.keep(correctCount(logits, batch.labels)), tf.keep(tf.all(tf.isFinite(logits))));
        return tf.mean(crossEntropy(logits, batch.labels)) as tf.Scalar;
      }, network.weights);
      optimizer.apply(network.weights.map((weight) => grads[weight.name]));
      network.updateStatistics();
      return [value, ...outputs];
    });
    const [loss, correct, finite] = kept.map((scalar) => scalar.dataSync()[0]);
    tf.dispose(kept);
    return [finite ? loss : Number.NaN, correct];
  } finally {
    tf.dispose([batch.images, batch.labels]);
  }
}

/** Mean loss and accuracy over a slice, without dropout (Keras `evaluate`). */
function evaluate(network: Network, slice: ImageSlice, batchSize: number, classes: number, onBatch?: () => void) {
  let lossSum = 0;
  let correctSum = 0;
  for (const positions of batchPositions(identityOrder(slice.count), batchSize)) {
    const batch = makeBatch(slice, positions, classes);
    const [loss, correct] = tf.tidy(() => {
      const logits = network.logits(batch.images);
      return [
        tf.sum(crossEntropy(logits, batch.labels)).dataSync()[0],
        correctCount(logits, batch.labels).dataSync()[0],
      ];
    });
    batch.images.dispose();
    batch.labels.dispose();
    lossSum += loss;
    correctSum += correct;
    onBatch?.();
  }
  return { loss: lossSum / slice.count, accuracy: correctSum / slice.count };
}
