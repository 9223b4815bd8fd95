import type { JetStreamManager, JsMsg } from "@nats-io/jetstream";
import { MESSAGE_VERSION, type TrialEvent } from "@sweep/core";
import { type PipelineNames, trialOfMessage } from "@sweep/protocol";

/** The parts of JetStream's `io.nats.jetstream.advisory.v1.max_deliver` advisory we use. */
interface MaxDeliveriesAdvisory {
  stream_seq: number;
  deliveries: number;
  timestamp?: string;
}

/** A trial message that reached the workers consumer's max deliveries, as the event that records it. */
export interface DeadLetter {
  /** `failed`, not retryable, `deadLetter` set: the recorder appends the trial's last error. */
  event: TrialEvent;
  /** The trial message's sequence in SWEEP_TRIALS (a work queue keeps it after max deliveries). */
  seq: number;
}

/**
 * Reads a max-deliveries advisory captured by SWEEP_EVENTS and the trial message it
 * names. Undefined when that message is gone (its failure was recorded already) or
 * names no trial.
 */
export async function readDeadLetter(
  jsm: JetStreamManager,
  names: PipelineNames,
  msg: JsMsg,
): Promise<DeadLetter | undefined> {
  const advisory = msg.json<MaxDeliveriesAdvisory>();
  const stored = await jsm.streams.getMessage(names.trialsStream, { seq: advisory.stream_seq });
  if (stored === null) return undefined;
  const trial = trialOfMessage(stored.string());
  if (!trial) return undefined;
  const event: TrialEvent = {
    v: MESSAGE_VERSION,
    sweepId: trial.sweepId,
    trialId: trial.id,
    attempt: advisory.deliveries,
    at: advisory.timestamp ?? new Date().toISOString(),
    type: "failed",
    error: `gave up after ${advisory.deliveries} deliveries`,
    retryable: false,
    deadLetter: true,
  };
  return { event, seq: advisory.stream_seq };
}
