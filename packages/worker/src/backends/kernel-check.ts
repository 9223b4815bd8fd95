import { SeededRandom } from "@sweep/core";
import * as tf from "@tensorflow/tfjs-core";

/**
 * Test support: runs the same computation on two backends from the same inputs and
 * reports the largest absolute difference of the outputs.
 */

/** Deterministic uniform values in [-scale, scale) (core's `SeededRandom`). */
export function randomValues(size: number, seed: number, scale = 1): Float32Array {
  return new SeededRandom(seed).uniform(size, -scale, scale);
}

/** Runs `compute` on a backend and returns its outputs' values (tensors disposed). */
export async function valuesOn(backendName: string, compute: () => tf.Tensor | tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backendName);
  const outputs = tf.tidy(compute);
  const list = Array.isArray(outputs) ? outputs : [outputs];
  const values = list.map((tensor) => tensor.dataSync() as Float32Array);
  tf.dispose(list);
  return values;
}

export function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`sizes differ: ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return Number.isNaN(worst) ? Number.POSITIVE_INFINITY : worst;
}

/** Largest difference between the wasm and cpu results of the same computation. */
export async function wasmVersusCpu(compute: () => tf.Tensor | tf.Tensor[]): Promise<number> {
  const onWasm = await valuesOn("wasm", compute);
  const onCpu = await valuesOn("cpu", compute);
  return Math.max(...onWasm.map((values, i) => maxAbsDifference(values, onCpu[i])));
}
