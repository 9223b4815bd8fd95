import { describeValue, UsageError } from "./errors.js";
import type { TrialSpec } from "./trial.js";

/** What a data set holds, as its IDX headers say: enough to tell whether a trial can train on it. */
export interface DatasetShape {
  /** `dataset.source` as the config gives it. */
  source: string;
  height: number;
  width: number;
  /** IDX images are grayscale: 1. */
  channels: number;
  trainImages: number;
  testImages: number;
}

/**
 * Throws a UsageError unless `trial` can train on `data`: its `input_shape` is the
 * data's image shape, `train_limit` and `test_limit` are no larger than the data, and
 * `validation_split` of the training images leaves at least one image to train and
 * one to validate (Keras splits at floor(n × (1 − split))). The message names the
 * config path, the trial and what the data set holds.
 */
export function checkTrialFitsData(trial: TrialSpec, data: DatasetShape): void {
  const fail = (where: string, rule: string, got: unknown): never => {
    throw new UsageError(`${where}: trial ${describeValue(trial.name)} ${rule}, got ${describeValue(got)}`, where);
  };
  const [height, width, channels] = trial.model.input_shape;
  const holds = `data set ${describeValue(data.source)} holds ${data.height}x${data.width} images with ${countOf(data.channels, "channel")}`;
  if (height !== data.height || width !== data.width || channels !== data.channels) {
    fail(
      "model.input_shape",
      `takes ${height}x${width} images with ${countOf(channels, "channel")}, but the ${holds}`,
      [height, width, channels],
    );
  }
  const { train_limit, test_limit } = trial.dataset;
  if (train_limit !== undefined && train_limit > data.trainImages) {
    fail(
      "dataset.train_limit",
      `asks for more training images than the ${data.trainImages} the data set holds`,
      train_limit,
    );
  }
  if (test_limit !== undefined && test_limit > data.testImages) {
    fail("dataset.test_limit", `asks for more test images than the ${data.testImages} the data set holds`, test_limit);
  }
  const images = train_limit ?? data.trainImages;
  const split = trial.training.validation_split;
  const trainPart = Math.floor(images * (1 - split));
  if (trainPart < 1 || trainPart === images) {
    fail(
      "training.validation_split",
      `splits ${countOf(images, "training image")} into ${trainPart} to train and ${images - trainPart} to validate; both need at least one`,
      split,
    );
  }
}

/** `1 channel`, `3 channels`: a count and its noun, in the singular for one. */
function countOf(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
