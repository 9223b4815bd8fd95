import { decodeWeightsFile, type EpochMetrics, kerasWeightSpecs, type TrialSpec } from "@sweep/core";
import { beforeAll, expect, it } from "vitest";
import { describeOnBackends, useBackend } from "../../test/backends.js";
import { type Dataset, loadDataset } from "../data/dataset.js";
import type { KeptWeightsBytes, TrainOutcome, TrainProgress } from "../protocol.js";
import { trialOf } from "../reference-models.js";
import { trainTrial } from "./train-trial.js";

let mnist: Dataset;
let backend: string;
beforeAll(async () => {
  mnist = await loadDataset("mnist");
});

/** A dense net on 300 images with a high learning rate: val_loss turns up within a few epochs. */
function overfittingTrial(keep: "best" | "last" | "both" | "none", model: object = {}): TrialSpec {
  return trialOf(
    "overfit",
    { conv: [], pool: null, conv_dropout: 0, dense: [64], dense_dropout: 0, ...model },
    {
      training: { epochs: 6, batch_size: 32, optimizer: "adam", learning_rate: 0.01, keep_weights: keep },
      dataset: { train_limit: 300, test_limit: 100 },
    },
  );
}

async function train(trial: TrialSpec, checkpoint?: Uint8Array) {
  const progress: TrainProgress[] = [];
  const post = (p: TrainProgress) => progress.push(p);
  const outcome = await trainTrial({ trial, dataset: mnist, backend, checkpoint, cancelFlag: new Int32Array(1), post });
  const epochs = progress.flatMap((p) => (p.type === "epoch" ? [p] : []));
  return { outcome, metrics: epochs.map((p) => p.metrics), checkpoints: epochs.map((p) => p.checkpoint) };
}

const weightsOf = (outcome: TrainOutcome): KeptWeightsBytes[] => ("weights" in outcome ? (outcome.weights ?? []) : []);

const argminValLoss = (metrics: EpochMetrics[]) =>
  metrics.reduce((best, m) => (m.val_loss < best.val_loss ? m : best)).epoch;

/** A checkpoint's first `count` floats: the trainable weights and then the moving statistics, in layer order. */
function checkpointWeights(bytes: Uint8Array, count: number): Float32Array {
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  const offset = Math.ceil((4 + headerLength) / 4) * 4;
  return new Float32Array(bytes.slice(offset, offset + 4 * count).buffer);
}

describeOnBackends(["tensorflow", "wasm"], "kept weights", (name) => {
  beforeAll(async () => {
    backend = await useBackend(name);
  });

  it("keeps the best epoch by val_loss and the last, in Keras' names, each equal to its epoch's checkpoint", async () => {
    const trial = overfittingTrial("both");
    const { outcome, metrics, checkpoints } = await train(trial);
    const best = argminValLoss(metrics);
    expect(best).toBeLessThan(6);
    const files = weightsOf(outcome).map(({ kind, epoch, bytes }) => ({ kind, epoch, ...decodeWeightsFile(bytes) }));
    expect(files.map(({ kind, epoch }) => [kind, epoch])).toEqual([
      ["best", best],
      ["last", 6],
    ]);
    const specs = kerasWeightSpecs(trial.model.input_shape, trial.layers);
    expect(specs.map((spec) => spec.name)).toEqual([
      "dense_1/kernel",
      "dense_1/bias",
      "dense_2/kernel",
      "dense_2/bias",
    ]);
    for (const file of files) {
      expect(file.header).toMatchObject({ trialId: trial.id, kind: file.kind, epoch: file.epoch, weights: specs });
      const { epoch, loss, accuracy, val_loss, val_accuracy } = metrics[file.epoch - 1] as EpochMetrics;
      expect(file.header.metrics).toEqual({ epoch, loss, accuracy, val_loss, val_accuracy });
      const checkpoint = checkpoints[file.epoch - 1] as Uint8Array;
      expect(file.values).toEqual(checkpointWeights(checkpoint, file.values.length));
    }
  });

  it("a pruned trial keeps its best epoch and the epoch it was pruned at", async () => {
    // More epochs than it needs to overfit: at its last epoch a trial completes instead.
    const base = overfittingTrial("both");
    const trial: TrialSpec = {
      ...base,
      training: { ...base.training, epochs: 12 },
      earlyTerminate: { type: "overfit", patience: 1, min_delta: 0 },
    };
    const { outcome, metrics } = await train(trial);
    expect(outcome.status).toBe("pruned");
    const pruned = outcome as Extract<TrainOutcome, { status: "pruned" }>;
    expect(weightsOf(outcome).map(({ kind, epoch }) => [kind, epoch])).toEqual([
      ["best", argminValLoss(metrics)],
      ["last", pruned.epoch],
    ]);
    expect(pruned.epoch).toBe(metrics.length);
  });

  it("keeps only what keep_weights asks for", async () => {
    const kinds = async (keep: "best" | "last" | "none") =>
      weightsOf(
        (await train({ ...overfittingTrial(keep), training: { ...overfittingTrial(keep).training, epochs: 2 } }))
          .outcome,
      ).map((file) => file.kind);
    expect(await kinds("best")).toEqual(["best"]);
    expect(await kinds("last")).toEqual(["last"]);
    expect(await kinds("none")).toEqual([]);
  });

  it("a trial resumed from a checkpoint after its best epoch keeps that best epoch's weights", async () => {
    const trial = overfittingTrial("best");
    const whole = await train(trial);
    const best = argminValLoss(whole.metrics);
    const resumed = await train(trial, whole.checkpoints[best] ?? whole.checkpoints[best - 1]);
    const [kept] = weightsOf(resumed.outcome);
    const [expected] = weightsOf(whole.outcome);
    expect(kept?.epoch).toBe(best);
    expect(decodeWeightsFile(kept?.bytes as Uint8Array).values).toEqual(
      decodeWeightsFile(expected?.bytes as Uint8Array).values,
    );
  });

  it("names BatchNormalization's four weights as Keras does, moving statistics after gamma and beta", async () => {
    const trial = overfittingTrial("last", {
      blocks: [{ conv: [{ filters: 4 }], batch_norm: true, pool: { size: 2 } }],
      dense: [],
    });
    const { outcome } = await train({ ...trial, training: { ...trial.training, epochs: 1 } });
    const [last] = weightsOf(outcome);
    expect(decodeWeightsFile(last?.bytes as Uint8Array).header.weights.map((spec) => spec.name)).toEqual([
      "conv2d_1/kernel",
      "conv2d_1/bias",
      "batch_normalization_1/gamma",
      "batch_normalization_1/beta",
      "batch_normalization_1/moving_mean",
      "batch_normalization_1/moving_variance",
      "dense_1/kernel",
      "dense_1/bias",
    ]);
  });
});
