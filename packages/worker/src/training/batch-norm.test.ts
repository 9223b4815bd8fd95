import type { EpochMetrics, TrialSpec } from "@sweep/core";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { describeOnBackends, testBackends, useBackend } from "../../test/backends.js";
import { type Dataset, loadDataset } from "../data/dataset.js";
import type { TrainProgress } from "../protocol.js";
import { trialOf } from "../reference-models.js";
import { buildNetwork } from "./network.js";
import { TrialRandom } from "./random.js";
import { trainTrial } from "./train-trial.js";

let mnist: Dataset;
beforeAll(async () => {
  mnist = await loadDataset("mnist");
});

/** 2 blocks with BatchNormalization (before, then after the activation), a GAP head, on 300 images. */
function blockTrial(epochs: number): TrialSpec {
  return trialOf(
    "bn",
    {
      blocks: [
        { conv: [{ filters: 6 }], pool: { size: 2 }, batch_norm: "before_activation" },
        { conv: [{ filters: 12 }], pool: { size: 2 }, batch_norm: "after_activation", dropout: 0.1 },
      ],
      head: "global_avg",
      dense: [16],
    } as never,
    { training: { epochs, batch_size: 32, optimizer: "adam" }, dataset: { train_limit: 300, test_limit: 100 } },
  );
}

async function train(trial: TrialSpec, backend: string, checkpoint?: Uint8Array) {
  const progress: TrainProgress[] = [];
  const outcome = await trainTrial({
    trial,
    dataset: mnist,
    backend,
    checkpoint,
    cancelFlag: new Int32Array(1),
    post: (p) => progress.push(p),
  });
  const epochs = progress.flatMap((p) => (p.type === "epoch" ? [p] : []));
  return { outcome, progress, metrics: epochs.map((p) => p.metrics), checkpoints: epochs.map((p) => p.checkpoint) };
}

const rows = (metrics: EpochMetrics[]) =>
  metrics.map(({ epoch, loss, accuracy, val_loss, val_accuracy }) => ({
    epoch,
    loss,
    accuracy,
    val_loss,
    val_accuracy,
  }));

describeOnBackends(testBackends(), "BatchNormalization training", (name) => {
  let backend: string;
  beforeAll(async () => {
    backend = await useBackend(name);
  });

  it("trains, counts Keras' params, and a trial interrupted after epoch 2 resumes to the same epoch rows", async () => {
    const whole = await train(blockTrial(4), backend);
    // conv 9·1·6+6=60, BN 24, conv 9·6·12+12=660, BN 48, Dense 12·16+16=208, Dense 16·10+10=170
    expect(whole.progress[0]).toMatchObject({ type: "started", paramCount: 1_170 });
    expect(whole.metrics.at(-1)?.loss).toBeLessThan(whole.metrics[0]?.loss ?? 0);
    const resumed = await train(blockTrial(4), backend, whole.checkpoints[1]);
    expect(resumed.progress[0]).toMatchObject({ type: "started", resumeFromEpoch: 2 });
    expect(rows(resumed.metrics)).toEqual(rows(whole.metrics.slice(2)));
    expect(resumed.outcome).toEqual(whole.outcome);
  });
});

describeOnBackends(testBackends({ cpu: true }), "BatchNormalization statistics", (name) => {
  beforeAll(async () => {
    await useBackend(name);
  });

  it("updates the moving statistics with momentum 0.99 in training and normalizes with them in evaluation", () => {
    const trial = trialOf("one-bn", {
      conv: [{ filters: 2, kernel: 1, strides: 1, padding: "valid", activation: "linear" }],
      pool: null,
      conv_dropout: 0,
      batch_norm: "after_activation",
      head: "global_avg",
      dense: [],
    } as never);
    const network = buildNetwork(trial.layers, [3, 3, 1], 10, new TrialRandom(5));
    const [kernel] = network.weights.map((weight) => weight.dataSync()[0] as number);
    const pixels = [0, 1, 2, 3, 4, 5, 6, 7, 8, 1, 1, 1, 1, 1, 1, 1, 1, 1];
    const input = tf.tensor4d(pixels, [2, 3, 3, 1]);
    // The first channel's conv output is kernel·pixel (bias 0): batch mean kernel·2.5, biased variance kernel²·mean((p − 2.5)²).
    const mean = (2.5 * (kernel ?? 0)) as number;
    const variance = (kernel ?? 0) ** 2 * (pixels.reduce((sum, p) => sum + (p - 2.5) ** 2, 0) / 18);
    tf.tidy(() => network.logits(input, new TrialRandom(1)));
    network.updateStatistics();
    const [movingMean, movingVariance] = network.state.map((state) => state.dataSync()[0] as number);
    expect(movingMean).toBeCloseTo(0.01 * mean, 6);
    expect(movingVariance).toBeCloseTo(0.99 * 1 + 0.01 * variance, 6);
    // Evaluation: (x − moving mean) / sqrt(moving variance + 1e-3) · gamma + beta, gamma 1 and beta 0.
    const evaluated = tf.tidy(() => network.logits(input).dataSync());
    const training = tf.tidy(() => network.logits(input, new TrialRandom(1)).dataSync());
    expect(Array.from(evaluated)).not.toEqual(Array.from(training));
    network.updateStatistics();
    input.dispose();
    network.dispose();
  });
});

describe("a network without BatchNormalization", () => {
  it("has no state, so its checkpoints hold what they always held", async () => {
    await useBackend("cpu");
    const trial = trialOf("flat", {
      conv: [{ filters: 2, kernel: 3, strides: 1, padding: "valid", activation: "relu" }],
    });
    const network = buildNetwork(trial.layers, [28, 28, 1], 10, new TrialRandom(1));
    expect(network.state).toEqual([]);
    network.dispose();
  });
});
