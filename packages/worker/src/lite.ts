/**
 * `@sweep/worker/lite`: what a command needs before anything trains (the backend
 * choices, the data sets' headers) without loading tfjs, which the package's main
 * entry does (`backends/`). The CLI loads the main entry only to train.
 */
export { BUILTIN_MNIST } from "./data/dataset.js";
export { readDatasetShape } from "./data/dataset-shape.js";
export { BACKEND_CHOICES, type BackendChoice, parseBackendChoice } from "./protocol.js";
