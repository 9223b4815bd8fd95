// TEST FIXTURE (fault 14): the real trainer, and after each trial the thread's tfjs
// tensor count and the process RSS appended to its outcome.

import trainTask from "@sweep/worker/train-task";
import * as tf from "@tensorflow/tfjs-core";

export default async function countingTrainTask(task) {
  const outcome = await trainTask(task);
  return { ...outcome, numTensors: tf.memory().numTensors, rss: process.memoryUsage().rss };
}
