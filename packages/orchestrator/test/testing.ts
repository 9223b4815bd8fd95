/**
 * `@sweep/orchestrator/testing`: what the repo's fault suite (test/faults) drives of
 * the orchestrator: the CLI as child processes and the pieces of a launch and a
 * recorder it runs in-process. Loaded as TypeScript by vitest; never by shipped code.
 */
export { loadConfigFile } from "../src/config-file.js";
export { planSweep } from "../src/nats/launch.js";
export { publishTrials } from "../src/nats/publisher.js";
export { type Recorder, startRecorder } from "../src/nats/recorder.js";
export * from "./cli-processes.js";
