import type { EpochMetrics, TrialSpec } from "@sweep/core";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { describeOnBackends, useBackend } from "../../test/backends.js";
import { type Dataset, loadDataset } from "../data/dataset.js";
import type { TrainOutcome, TrainProgress } from "../protocol.js";
import { trialOf } from "../reference-models.js";
import { splitTrialData } from "./batches.js";
import { trainTrial } from "./train-trial.js";

let mnist: Dataset;
let backend: string;
beforeAll(async () => {
  mnist = await loadDataset("mnist");
});

/** A small conv net on a slice of MNIST: seconds per epoch on wasm. */
function smallTrial(training: object = {}, trainLimit = 1000): TrialSpec {
  return trialOf(
    "small",
    { conv: [{ filters: 8, kernel: 3, strides: 1, padding: "valid", activation: "relu" }], dense: [32] },
    { training: { epochs: 2, batch_size: 64, ...training }, dataset: { train_limit: trainLimit, test_limit: 500 } },
  );
}

async function train(trial: TrialSpec, checkpoint?: Uint8Array, cancelFlag = new Int32Array(1)) {
  const progress: TrainProgress[] = [];
  const outcome = await trainTrial({
    trial,
    dataset: mnist,
    backend,
    checkpoint,
    cancelFlag,
    post: (p) => progress.push(p),
  });
  const epochs = progress.flatMap((p) => (p.type === "epoch" ? [p] : []));
  return { outcome, progress, metrics: epochs.map((p) => p.metrics), checkpoints: epochs.map((p) => p.checkpoint) };
}

const lossesOf = (metrics: EpochMetrics[]) =>
  metrics.map(({ loss, accuracy, val_loss, val_accuracy }) => ({ loss, accuracy, val_loss, val_accuracy }));

describe("splitTrialData", () => {
  it("validates on the LAST fraction of the train_limit slice, as Keras' validation_split does", () => {
    const trial = smallTrial({ validation_split: 0.1 }, 2000);
    const { train, validation, test } = splitTrialData(mnist, trial.dataset, trial.training);
    const where = (slice: typeof train) => [slice.set === mnist.train ? "train" : "test", slice.start, slice.count];
    expect([train, validation, test].map(where)).toEqual([
      ["train", 0, 1800],
      ["train", 1800, 200],
      ["test", 0, 500],
    ]);
  });
});

describeOnBackends(["tensorflow", "wasm"], "trainTrial", (name) => {
  beforeAll(async () => {
    backend = await useBackend(name);
  });

  it("learns a slice of MNIST: loss falls and accuracy ends far above chance", async () => {
    const { outcome, progress, metrics } = await train(smallTrial({ epochs: 3 }, 2000));
    expect(progress[0]).toEqual({ type: "started", backend, paramCount: 43_706, resumeFromEpoch: 0 });
    expect(metrics.map((m) => m.epoch)).toEqual([1, 2, 3]);
    expect(metrics[1].loss).toBeLessThan(metrics[0].loss);
    expect(metrics[2].loss).toBeLessThan(metrics[1].loss);
    expect(metrics[2].val_accuracy).toBeGreaterThan(0.5);
    expect(metrics[0].images_per_s).toBeGreaterThan(0);
    expect(outcome).toMatchObject({ status: "completed", epochs: 3, backend });
    expect((outcome as Extract<TrainOutcome, { status: "completed" }>).test_accuracy).toBeGreaterThan(0.5);
  });

  it("is reproducible from its seed, and another seed trains differently", async () => {
    const [first, again, otherSeed] = await Promise.all([
      train(smallTrial({ epochs: 1, seed: 7 })),
      train(smallTrial({ epochs: 1, seed: 7 })),
      train(smallTrial({ epochs: 1, seed: 8 })),
    ]);
    expect(lossesOf(again.metrics)).toEqual(lossesOf(first.metrics));
    expect(otherSeed.metrics[0].loss).not.toBe(first.metrics[0].loss);
  });

  it("resumes from an epoch's checkpoint exactly where uninterrupted training would be", async () => {
    const whole = await train(smallTrial({ epochs: 2 }));
    const resumed = await train(smallTrial({ epochs: 2 }), whole.checkpoints[0]);
    expect(resumed.progress[0]).toMatchObject({ type: "started", resumeFromEpoch: 1 });
    expect(lossesOf(resumed.metrics)).toEqual(lossesOf(whole.metrics.slice(1)));
    expect(resumed.outcome).toEqual(whole.outcome);
  });

  it("stops a diverging trial with a DeterministicTrialError naming the epoch and batch", async () => {
    // Linear layers let SGD at lr 1e38 overflow the logits to ±Infinity, whose softmax is NaN.
    const diverging = trialOf(
      "diverging",
      { conv: [{ filters: 4, kernel: 3, strides: 1, padding: "valid", activation: "linear" }], dense: [] },
      { training: { optimizer: "sgd", learning_rate: 1e38 }, dataset: { train_limit: 1000 } },
    );
    await expect(train(diverging)).rejects.toMatchObject({
      name: "DeterministicTrialError",
      message: expect.stringMatching(/^loss became NaN at epoch 1 batch \d+$/),
    });
  });

  it("returns cancelled at once when the flag is already set", async () => {
    const { outcome, metrics } = await train(smallTrial(), undefined, new Int32Array([1]));
    expect(outcome).toEqual({ status: "cancelled", epoch: 0, backend });
    expect(metrics).toEqual([]);
  });

  it("prunes under early_terminate once val_loss rises while the training loss falls", async () => {
    // Adam at lr 0.01 on 200 images overfits within a few epochs.
    const trial = { ...smallTrial({ optimizer: "adam", learning_rate: 0.01, epochs: 12 }, 200) };
    trial.earlyTerminate = { type: "overfit", patience: 2, min_delta: 0 };
    const { outcome, metrics } = await train(trial);
    expect(outcome).toMatchObject({ status: "pruned", backend });
    const { epoch } = outcome as Extract<TrainOutcome, { status: "pruned" }>;
    expect(metrics.at(-1)?.epoch).toBe(epoch);
    expect(epoch).toBeLessThan(12);

    // The same trial with that epoch as its last: nothing left to save, so it completes and is tested.
    const shorter = { ...trial, training: { ...trial.training, epochs: epoch } };
    const last = await train(shorter);
    expect(last.metrics.map((m) => m.val_loss)).toEqual(metrics.map((m) => m.val_loss));
    expect(last.outcome).toMatchObject({ status: "completed", epochs: epoch, test_accuracy: expect.any(Number) });
  });

  it("leaves tfjs memory as it found it after several trials, failed ones included", async () => {
    const before = tf.memory();
    const adadelta = await train(smallTrial({ epochs: 1 }, 300));
    // Fails once its network and optimizer exist: sgd has no slots, adadelta's checkpoint holds two per weight.
    await expect(
      train(smallTrial({ epochs: 1, optimizer: "sgd" }, 300), adadelta.checkpoints[0]),
    ).rejects.toMatchObject({
      name: "DeterministicTrialError",
      message: expect.stringMatching(/^checkpoint: holds tensors .*, this trial's model needs /),
    });
    await train(smallTrial({ epochs: 1, optimizer: "adam" }, 300));
    // Fails while building its network, after the first conv layer's weights exist.
    const broken = trialOf("broken", {
      conv: [
        { filters: 4, kernel: 3, strides: 1, padding: "valid", activation: "relu" },
        { filters: 4, kernel: 30, strides: 1, padding: "valid", activation: "relu" },
      ],
    });
    await expect(train(broken)).rejects.toMatchObject({
      name: "DeterministicTrialError",
      message: expect.stringMatching(/^invalid layer stack: layer \d+ \(conv2d\) window 30x30 does not fit/),
    });
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
  });
});
