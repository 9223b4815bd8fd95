export { type Delivery, openNatsCheckpoints, type TrialCheckpoints } from "./checkpoints.js";
export { connectNats, DEFAULT_NATS_URL, resolveNatsUrl } from "./connect.js";
export {
  JETSTREAM_PROBE_FAILURES,
  JETSTREAM_PROBE_MS,
  keepOnJetStream,
  type ReachabilityOptions,
} from "./jetstream-reachability.js";
export { type KeptModels, keptModelName, openNatsModels } from "./kept-models.js";
export { NATS_NAMES, type PipelineNames, pipelineNames } from "./names.js";
export { DEFAULT_PIPELINE_SETTINGS, deletePipeline, ensurePipeline, type PipelineSettings } from "./pipeline.js";
export { openPruneOrders, type PruneOrder, type PruneOrders } from "./prune-orders.js";
export { type EventBody, encodeTrialEvent, eventFactory, eventMessageId, parseTrialEvent } from "./trial-event.js";
export {
  encodeTrialMessage,
  InvalidTrialMessage,
  parseTrialMessage,
  type TrialMessage,
  trialOfMessage,
} from "./trial-message.js";
