import { mkdir, readFile, rename, rm, rmdir, writeFile } from "node:fs/promises";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import type { LayersModelFiles } from "./layers-model.js";

interface ModelJson {
  modelTopology: object;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

/**
 * Loads a TensorFlow.js Layers model folder (`model.json` and the shards it lists) as
 * tfjs-node's `file://` handler does, on whatever backend is active (wasm and cpu have
 * no file handler of their own).
 */
export async function loadModelDir(dir: string): Promise<tf.LayersModel> {
  const json = JSON.parse(await readFile(path.join(dir, "model.json"), "utf8")) as ModelJson;
  const paths = json.weightsManifest.flatMap((group) => group.paths);
  const shards = await Promise.all(paths.map((file) => readFile(path.join(dir, path.basename(file)))));
  const weightData = new Uint8Array(Buffer.concat(shards)).buffer;
  const weightSpecs = json.weightsManifest.flatMap((group) => group.weights);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
}

/**
 * Writes the files into `dir` (missing or empty) all at once: into a folder beside it,
 * renamed to `dir` when every file is written, so a failure leaves nothing behind.
 */
export async function writeModelDir(dir: string, files: LayersModelFiles["files"]): Promise<void> {
  const aside = `${dir.replace(/[/\\]+$/, "")}.${process.pid}.tmp`;
  await mkdir(aside, { recursive: true });
  try {
    for (const { name, bytes } of files) await writeFile(path.join(aside, name), bytes);
    // An empty `dir` gives way; one that is not empty stops here, untouched.
    await rmdir(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
    await rename(aside, dir);
  } catch (error) {
    await rm(aside, { recursive: true, force: true });
    throw error;
  }
}
