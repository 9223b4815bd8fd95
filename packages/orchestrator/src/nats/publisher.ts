import { jetstream } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { TrialSpec } from "@sweep/core";
import { encodeTrialMessage, type PipelineNames } from "@sweep/protocol";

export interface PublishedTrials {
  /** Messages JetStream stored. */
  published: number;
  /** Messages JetStream dropped because their id was seen within the duplicate window. */
  duplicates: number;
}

/** Publishes in flight at once: enough to hide round trips, few enough to bound memory. */
const PUBLISH_WINDOW = 512;

/**
 * Publishes one `TrialMessage` per trial on `sweep.trial.<sweepId>` with message id =
 * trial id (or `<trialId>-<suffix>` for a retry or resume, which must not be
 * deduplicated against the first launch, and is marked `requeued`). Publishes are
 * pipelined, not one round trip each.
 */
export async function publishTrials(
  nc: NatsConnection,
  names: PipelineNames,
  trials: readonly TrialSpec[],
  msgIdSuffix?: string,
): Promise<PublishedTrials> {
  const js = jetstream(nc);
  const result: PublishedTrials = { published: 0, duplicates: 0 };
  for (let start = 0; start < trials.length; start += PUBLISH_WINDOW) {
    const acks = await Promise.all(
      trials.slice(start, start + PUBLISH_WINDOW).map((trial) => {
        const { body, msgID } = encodeTrialMessage(trial, msgIdSuffix);
        return js.publish(names.trialSubject(trial.sweepId), body, { msgID });
      }),
    );
    for (const ack of acks) {
      if (ack.duplicate) result.duplicates++;
      else result.published++;
    }
  }
  return result;
}
