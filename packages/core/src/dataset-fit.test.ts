import { describe, expect, it } from "vitest";
import { checkTrialFitsData, type DatasetShape } from "./dataset-fit.js";
import { expandTrials } from "./expand-trials.js";
import { parseSweepConfig } from "./parse-sweep-config.js";

const MNIST: DatasetShape = {
  source: "mnist",
  height: 28,
  width: 28,
  channels: 1,
  trainImages: 60_000,
  testImages: 10_000,
};

const trialOf = (yaml: string) => expandTrials(parseSweepConfig(`name: x\n${yaml}`, "x.yaml"), "x")[0];

describe("checkTrialFitsData: a trial's input against its data set", () => {
  const refused: Array<[string, string, RegExp]> = [
    ["32x32x3 on MNIST", "model: {input_shape: [32, 32, 3]}", /^model\.input_shape: trial "base" takes 32x32 images/],
    ["3 channels on MNIST", "model: {input_shape: [28, 28, 3]}", /with 3 channels, but the data set "mnist" holds/],
    ["train_limit above the data", "dataset: {train_limit: 60001}", /^dataset\.train_limit: .*got 60001$/],
    ["test_limit above the data", "dataset: {test_limit: 10001}", /^dataset\.test_limit: .*got 10001$/],
    [
      "one image cannot be split",
      "dataset: {train_limit: 1}",
      /^training\.validation_split: trial "base" splits 1 training image into 0 to train/,
    ],
    [
      "a split that leaves nothing to validate",
      "dataset: {train_limit: 5}\ntraining: {validation_split: 1e-17}",
      /5 to train and 0 to validate/,
    ],
  ];
  it.each(refused)("refuses %s", (_name, yaml, message) => {
    expect(() => checkTrialFitsData(trialOf(yaml), MNIST)).toThrow(message);
  });

  it("counts one channel and one image in the singular", () => {
    expect(() => checkTrialFitsData(trialOf(""), { ...MNIST, source: "rgb", channels: 3 })).toThrow(
      'model.input_shape: trial "base" takes 28x28 images with 1 channel, but the data set "rgb" holds 28x28 images with 3 channels, got [28,28,1]',
    );
  });

  const accepted: Array<[string, string]> = [
    ["the defaults", ""],
    ["the whole data set", "dataset: {train_limit: 60000, test_limit: 10000}"],
    ["the smallest split", "dataset: {train_limit: 2}\ntraining: {validation_split: 0.5}"],
  ];
  it.each(accepted)("accepts %s", (_name, yaml) => {
    expect(() => checkTrialFitsData(trialOf(yaml), MNIST)).not.toThrow();
  });
});
