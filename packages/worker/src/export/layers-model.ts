import { decodeWeightsFile, type Layer, type WeightsFileHeader } from "@sweep/core";
import * as tf from "@tensorflow/tfjs";
import { kerasSequential, setKerasWeights } from "./keras-layers.js";

/** The converter's shard size: weight data is split into files of at most 4 MiB. */
export const SHARD_BYTES = 4 * 1024 * 1024;

/** A TensorFlow.js Layers model as files: `model.json` and its weight shards, by file name. */
export interface LayersModelFiles {
  header: WeightsFileHeader;
  files: { name: string; bytes: Uint8Array }[];
}

/**
 * A kept weights file as a TensorFlow.js Layers model (`tf.loadLayersModel` reads it;
 * `tensorflowjs_converter --input_format tfjs_layers_model --output_format keras`
 * turns it into a Keras .h5): the trial's Keras layers with the file's weights. Runs
 * on the current tfjs backend; every tensor it makes is disposed.
 */
export async function layersModelFiles(
  inputShape: [number, number, number],
  layers: readonly Layer[],
  weightsFile: Uint8Array,
): Promise<LayersModelFiles> {
  const { header, values } = decodeWeightsFile(weightsFile);
  const model = kerasSequential(inputShape, layers);
  try {
    setKerasWeights(model, header.weights, values);
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
      }),
    );
    if (saved?.weightData === undefined || saved.weightSpecs === undefined) throw new Error("tfjs saved no weights");
    const data = new Uint8Array(tf.io.concatenateArrayBuffers(saved.weightData as ArrayBuffer | ArrayBuffer[]));
    const count = Math.max(1, Math.ceil(data.byteLength / SHARD_BYTES));
    const shards = Array.from({ length: count }, (_, index) => ({
      name: `group1-shard${index + 1}of${count}.bin`,
      bytes: data.subarray(index * SHARD_BYTES, (index + 1) * SHARD_BYTES),
    }));
    const modelJson = {
      modelTopology: saved.modelTopology,
      format: saved.format,
      generatedBy: saved.generatedBy,
      convertedBy: null,
      weightsManifest: [{ paths: shards.map((shard) => shard.name), weights: saved.weightSpecs }],
    };
    const json = new TextEncoder().encode(`${JSON.stringify(modelJson)}\n`);
    return { header, files: [{ name: "model.json", bytes: json }, ...shards] };
  } finally {
    model.dispose();
  }
}
