export { kerasSequential, setKerasWeights } from "./keras-layers.js";
export { type LayersModelFiles, layersModelFiles, SHARD_BYTES } from "./layers-model.js";
export { loadModelDir, writeModelDir } from "./model-dir.js";
export {
  type ImageBatch,
  modelFromKeptWeights,
  modelInputShape,
  predictProbabilities,
  scorePredictions,
  topClass,
} from "./predict.js";
