import { describe, expect, it } from "vitest";
import { type TrialStory, trialSentence } from "./trial-sentence.js";

/** A trial whose epochs have these val_loss values and a loss that falls (or the given losses). */
function story(valLosses: number[], rest: Partial<TrialStory> = {}, losses?: number[]): TrialStory {
  const curve = valLosses.map((valLoss, i) => ({
    epoch: i + 1,
    loss: losses?.[i] ?? 0.3 / (i + 1),
    valLoss,
    durationMs: 1,
  }));
  const finite = valLosses.filter(Number.isFinite);
  const best = finite.length ? valLosses.indexOf(Math.min(...finite)) + 1 : null;
  return {
    status: "completed",
    curve,
    bestEpoch: best,
    overfitEpoch: null,
    testAccuracy: null,
    epochsPlanned: valLosses.length,
    ...rest,
  };
}

describe("trialSentence", () => {
  it("says where val_loss is lowest, that it rises while loss falls, and from when it overfits", () => {
    const trial = story([0.06, 0.035, 0.0268, 0.029, 0.031], { overfitEpoch: 4, testAccuracy: 0.99141 });
    expect(trialSentence(trial)).toBe(
      "val_loss is lowest at epoch 3 (0.0268) and rises for the next 2 epochs while loss keeps falling: " +
        "overfitting from epoch 4; test accuracy 0.9914",
    );
  });

  it("says how a pruned trial ended, and does not claim a steady rise that did not happen", () => {
    const trial = story([0.1, 0.05, 0.07, 0.06], { status: "pruned", overfitEpoch: 3 }, [0.3, 0.2, 0.1, 0.12]);
    expect(trialSentence(trial)).toBe(
      "val_loss is lowest at epoch 2 (0.0500) and stays above it for the next 2 epochs while loss mostly falls: " +
        "overfitting from epoch 3; pruned after epoch 4",
    );
  });

  it("tells a curve still falling at its last epoch from one that levels off without overfitting", () => {
    expect(trialSentence(story([0.1, 0.08, 0.05], { testAccuracy: 0.98 }))).toBe(
      "val_loss falls to its lowest at the last epoch, 3 (0.0500): no overfitting; test accuracy 0.9800",
    );
    expect(trialSentence(story([0.1, 0.05, 0.06]))).toBe(
      "val_loss is lowest at epoch 2 (0.0500); the epoch after it does not count as overfitting",
    );
    expect(trialSentence(story([0.1, 0.05, 0.06, 0.055]))).toBe(
      "val_loss is lowest at epoch 2 (0.0500); the 2 epochs after it do not count as overfitting",
    );
  });

  it("names an overfit that val_loss later recovered from", () => {
    const trial = story([0.1, 0.05, 0.06, 0.07, 0.04], { overfitEpoch: 3 });
    expect(trialSentence(trial)).toBe(
      "val_loss rises while loss falls from epoch 3 (overfitting), then comes back down to its lowest at epoch 5 (0.0400)",
    );
  });

  it("describes trials without a usable epoch, and running, failed and queued ones", () => {
    expect(trialSentence(story([], { status: "queued", bestEpoch: null }))).toBe("no epoch finished; still queued");
    expect(trialSentence(story([], { status: "failed", bestEpoch: null }))).toBe(
      "no epoch finished; failed before its first epoch",
    );
    expect(trialSentence(story([Number.NaN, Number.NaN], { status: "failed" }))).toBe(
      "val_loss was never a finite number in 2 epochs; failed after epoch 2",
    );
    expect(trialSentence(story([0.1, 0.08], { status: "running", epochsPlanned: 10 }))).toBe(
      "val_loss falls to its lowest at the last epoch, 2 (0.0800): no overfitting; still running (2/10 epochs)",
    );
    expect(trialSentence(story([0.2], { status: "cancelled" }))).toBe(
      "one epoch: val_loss 0.2000; cancelled after epoch 1",
    );
  });
});
