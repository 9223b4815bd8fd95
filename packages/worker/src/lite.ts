/**
 * `@sweep/worker/lite`: what a command needs before anything trains (the backend
 * choices, the data sets' headers) without loading tfjs, which the package's main
 * entry does (`backends/`). The CLI loads the main entry only to train. The watchdog's
 * default and its way out past threads that do not stop are here for the same reason.
 */
export { BUILTIN_MNIST } from "./data/dataset.js";
export { readDatasetShape } from "./data/dataset-shape.js";
export { BACKEND_CHOICES, type BackendChoice, parseBackendChoice } from "./protocol.js";
export { DEFAULT_STUCK_AFTER_MS } from "./watchdog/stuck-policy.js";
export { exitPastUnstoppedThreads, exitProcess, unstoppedThreadCount } from "./watchdog/unstopped-threads.js";
