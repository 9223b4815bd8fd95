import { loadavg } from "node:os";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../dist/backends/index.js";
import { prepareNativeEnvironment } from "../dist/backends/native-environment.js";
import { type BackendChoice, parseBackendChoice } from "../dist/protocol.js";

/**
 * Times one training step (forward + backward with tf.variableGrads) of the reference
 * Model1 at batch 128 on the wasm backend, one thread, and prints images/s (median of
 * several steps) and where the time goes per kernel.
 *
 *   npm run bench:kernels [-- --steps 9 --batch 128 --backend wasm]
 */

const argument = (name: string, fallback: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
};
const steps = Number(argument("steps", "9"));
const batch = Number(argument("batch", "128"));
const backendChoice: BackendChoice = parseBackendChoice(argument("backend", "wasm")) ?? "wasm";
prepareNativeEnvironment({ intraOpThreads: 1 });

/** Conv32 3x3 → Conv64 3x3 → MaxPool 2 → Flatten → Dense128 → Dense10 softmax (dropouts omitted). */
function model1Parameters(): Record<string, tf.Variable> {
  const heNormal = (shape: number[], fanIn: number, seed: number) =>
    tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), "float32", seed));
  return {
    conv1: heNormal([3, 3, 1, 32], 9, 1),
    conv1Bias: tf.variable(tf.zeros([32])),
    conv2: heNormal([3, 3, 32, 64], 288, 2),
    conv2Bias: tf.variable(tf.zeros([64])),
    dense1: heNormal([12 * 12 * 64, 128], 9216, 3),
    dense1Bias: tf.variable(tf.zeros([128])),
    dense2: heNormal([128, 10], 128, 4),
    dense2Bias: tf.variable(tf.zeros([10])),
  };
}

function model1Loss(p: Record<string, tf.Variable>, images: tf.Tensor4D, labels: tf.Tensor2D): tf.Scalar {
  const conv1 = tf.relu(tf.add(tf.conv2d(images, p.conv1 as tf.Tensor4D, 1, "valid"), p.conv1Bias));
  const conv2 = tf.relu(tf.add(tf.conv2d(conv1 as tf.Tensor4D, p.conv2 as tf.Tensor4D, 1, "valid"), p.conv2Bias));
  const pooled = tf.maxPool(conv2 as tf.Tensor4D, 2, 2, "valid");
  const flat = tf.reshape(pooled, [images.shape[0], -1]) as tf.Tensor2D;
  const dense1 = tf.relu(tf.add(tf.matMul(flat, p.dense1 as tf.Tensor2D), p.dense1Bias)) as tf.Tensor2D;
  const logits = tf.add(tf.matMul(dense1, p.dense2 as tf.Tensor2D), p.dense2Bias);
  return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
}

function trainingStep(p: Record<string, tf.Variable>, images: tf.Tensor4D, labels: tf.Tensor2D): void {
  const { value, grads } = tf.variableGrads(() => model1Loss(p, images, labels));
  value.dataSync();
  tf.dispose([value, ...Object.values(grads)]);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const { name } = await initBackend(backendChoice);
const parameters = model1Parameters();
const images = tf.randomUniform([batch, 28, 28, 1], 0, 1, "float32", 5) as tf.Tensor4D;
const labels = tf.oneHot(tf.randomUniform([batch], 0, 10, "int32", 6) as tf.Tensor1D, 10) as tf.Tensor2D;

trainingStep(parameters, images, labels);
const tensorsAfterWarmUp = tf.memory().numTensors;
const stepMs: number[] = [];
/** Process CPU time per step: less sensitive than wall time to other processes on a shared machine. */
const stepCpuMs: number[] = [];
for (let i = 0; i < steps; i++) {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  trainingStep(parameters, images, labels);
  const cpu = process.cpuUsage(cpuStart);
  stepMs.push(performance.now() - start);
  stepCpuMs.push((cpu.user + cpu.system) / 1000);
}
const profile = await tf.profile(() => trainingStep(parameters, images, labels));
const perKernel = new Map<string, number>();
for (const kernel of profile.kernels) {
  perKernel.set(kernel.name, (perKernel.get(kernel.name) ?? 0) + Number(kernel.kernelTimeMs));
}

const stepMedian = median(stepMs);
console.log(
  `Model1 training step, backend ${name}, batch ${batch}, ${steps} steps, load average ${loadavg()[0].toFixed(2)}`,
);
console.log(
  `  step ms: median ${stepMedian.toFixed(0)}, min ${Math.min(...stepMs).toFixed(0)}, max ${Math.max(...stepMs).toFixed(0)}`,
);
console.log(`  images/s: ${((batch * 1000) / stepMedian).toFixed(1)} (median step)`);
console.log(
  `  images/s by CPU time: ${((batch * 1000) / median(stepCpuMs)).toFixed(1)} (median CPU ms ${median(stepCpuMs).toFixed(0)})`,
);
console.log(`  tensors after warm-up ${tensorsAfterWarmUp}, after the run ${tf.memory().numTensors}`);
console.log("  per kernel, one profiled step (ms):");
for (const [kernel, ms] of [...perKernel].sort((a, b) => b[1] - a[1])) {
  if (ms >= 1) console.log(`    ${kernel.padEnd(24)} ${ms.toFixed(1)}`);
}
tf.dispose([images, labels, ...Object.values(parameters)]);
