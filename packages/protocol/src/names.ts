/**
 * The pipeline's names without a prefix. Subjects are relative to the prefix
 * (see `pipelineNames`).
 */
export const NATS_NAMES = {
  trialsStream: "SWEEP_TRIALS",
  eventsStream: "SWEEP_EVENTS",
  workersConsumer: "workers",
  recorderConsumer: "recorder",
  heartbeatBucket: "sweep_workers",
  controlBucket: "sweep_control",
  pruneBucket: "sweep_prunes",
  checkpointBucket: "sweep_checkpoints",
  modelBucket: "sweep_models",
  trialSubject: (sweepId: string) => `sweep.trial.${sweepId}`,
  eventSubject: (sweepId: string, trialId: string) => `sweep.event.${sweepId}.${trialId}`,
} as const;

/**
 * `NATS_NAMES` under an optional prefix, so tests and side-by-side installs
 * isolate themselves: prefix `t123` gives stream `T123_SWEEP_TRIALS`, subjects
 * `t123.sweep.trial.<sweepId>`, buckets `t123_sweep_workers`. No prefix = `NATS_NAMES`.
 */
export interface PipelineNames {
  prefix: string;
  trialsStream: string;
  eventsStream: string;
  workersConsumer: string;
  recorderConsumer: string;
  heartbeatBucket: string;
  controlBucket: string;
  /** KV bucket of prune orders from the search controller (key = trial id; see `openPruneOrders`). */
  pruneBucket: string;
  /** JetStream Object Store bucket of per-trial checkpoints (object name = trial id). */
  checkpointBucket: string;
  /** JetStream Object Store bucket of trials' kept weights (object name = `<trial id>.<kind>`; see `openNatsModels`). */
  modelBucket: string;
  /** Wildcard over every sweep's trial messages. */
  trialSubjects: string;
  /** Wildcard over every sweep's events. */
  eventSubjects: string;
  /**
   * JetStream's advisory that a trial message reached the workers consumer's max
   * deliveries; SWEEP_EVENTS captures it, so the recorder records the trial failed.
   */
  deadLetterAdvisories: string;
  trialSubject(sweepId: string): string;
  eventSubject(sweepId: string, trialId: string): string;
}

export function pipelineNames(prefix = ""): PipelineNames {
  if (prefix && !/^[a-z0-9_-]+$/.test(prefix)) {
    throw new Error(`NATS prefix must match [a-z0-9_-]+, received ${JSON.stringify(prefix)}`);
  }
  const stream = (name: string) => (prefix ? `${prefix.toUpperCase()}_${name}` : name);
  const bucket = (name: string) => (prefix ? `${prefix}_${name}` : name);
  const subject = (name: string) => (prefix ? `${prefix}.${name}` : name);
  return {
    prefix,
    trialsStream: stream(NATS_NAMES.trialsStream),
    eventsStream: stream(NATS_NAMES.eventsStream),
    workersConsumer: NATS_NAMES.workersConsumer,
    recorderConsumer: NATS_NAMES.recorderConsumer,
    heartbeatBucket: bucket(NATS_NAMES.heartbeatBucket),
    controlBucket: bucket(NATS_NAMES.controlBucket),
    pruneBucket: bucket(NATS_NAMES.pruneBucket),
    checkpointBucket: bucket(NATS_NAMES.checkpointBucket),
    modelBucket: bucket(NATS_NAMES.modelBucket),
    trialSubjects: subject(NATS_NAMES.trialSubject("*")),
    eventSubjects: subject(NATS_NAMES.eventSubject("*", "*")),
    deadLetterAdvisories: `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${stream(NATS_NAMES.trialsStream)}.${NATS_NAMES.workersConsumer}`,
    trialSubject: (sweepId) => subject(NATS_NAMES.trialSubject(sweepId)),
    eventSubject: (sweepId, trialId) => subject(NATS_NAMES.eventSubject(sweepId, trialId)),
  };
}
