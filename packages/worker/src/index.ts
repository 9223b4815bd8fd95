export { expectedBackend, tensorflowInstalled } from "./backends/index.js";
export * from "./consumer/index.js";
export { BUILTIN_MNIST, type Dataset, type ImageSet, loadDataset } from "./data/dataset.js";
export { readDatasetShape } from "./data/dataset-shape.js";
export { type IdxArray, readIdxFile } from "./data/idx.js";
export { TrainingPool, type TrainingPoolOptions, TrainingThreadError, type TrainOptions } from "./pool.js";
export * from "./protocol.js";
export { REFERENCE_MODELS, referenceTrial, trialOf } from "./reference-models.js";
