import { type JetStreamClient, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { headers, type NatsConnection } from "@nats-io/transport-node";
import type { TrialEvent, TrialSpec } from "@sweep/core";
import { errorMessage } from "@sweep/core";
import { encodeTrialEvent, eventMessageId, type PipelineNames, parseTrialEvent } from "@sweep/protocol";

/**
 * One attempt's events on SWEEP_EVENTS, each stored at least once and in order.
 * Progress events (started, epoch) go out as plain publishes into the stream (its
 * subjects capture them; the message id still deduplicates); outcome events, and
 * epoch events whose checkpoint is saved next, are acknowledged publishes. If the
 * connection dropped, or an acknowledged publish failed, while the trial ran, plain
 * publishes may have died with the server (or a cluster node): every progress event
 * is then sent again, acknowledged, and the message ids drop the copies. That happens
 * before the outcome is published, so the outcome stays the trial's last event (see
 * `EventPublisher.finishedBefore`), and again in `stored()` if the trouble came later.
 */
export interface AttemptEvents {
  /** A `started` or `epoch` event whose storing nobody waits for: a plain publish. */
  progress(event: TrialEvent): void;
  /** An `epoch` event whose checkpoint is saved next: resolves with JetStream's ack. */
  checkpointedEpoch(event: TrialEvent): Promise<unknown>;
  /** `completed`, `pruned`, `cancelled` or `failed`: acknowledged. */
  outcome(event: TrialEvent): Promise<unknown>;
  /**
   * Settles once every event published so far is stored: the outcome events' acks, or
   * a flush (which the server answers after every earlier message of this connection)
   * when there are none.
   */
  stored(): Promise<void>;
}

/** The worker's events on one connection. */
export interface EventPublisher {
  /** A publisher for one attempt at one trial. */
  forAttempt(): AttemptEvents;
  /**
   * "completed by attempt N" (or pruned) when the trial's last event in SWEEP_EVENTS is
   * its outcome: a redelivered message whose ack was lost. (When progress had to be sent
   * again after the outcome, the last event is progress, and the trial trains again:
   * wasted work, nothing wrong recorded.)
   */
  finishedBefore(trial: TrialSpec): Promise<string | undefined>;
}

interface Published {
  subject: string;
  body: string;
  msgID: string;
}

export async function eventPublisher(
  nc: NatsConnection,
  names: PipelineNames,
  log: (line: string) => void,
): Promise<EventPublisher> {
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const trouble = watchConnectionTrouble(nc);
  const plain = plainPublishQueue(nc);
  return {
    forAttempt: () => attemptEvents(js, nc, names, plain, trouble, log),
    async finishedBefore(trial) {
      try {
        const last = await jsm.streams.getMessage(names.eventsStream, {
          last_by_subj: names.eventSubject(trial.sweepId, trial.id),
        });
        const event = last && parseTrialEvent(last.string());
        if (event?.type === "completed" || event?.type === "pruned") return `${event.type} by attempt ${event.attempt}`;
      } catch (error) {
        log(`looking up ${trial.id}'s last event failed, training it: ${errorMessage(error)}`);
      }
      return undefined;
    },
  };
}

function attemptEvents(
  js: JetStreamClient,
  nc: NatsConnection,
  names: PipelineNames,
  plain: PlainPublishQueue,
  trouble: () => number,
  log: (line: string) => void,
): AttemptEvents {
  const acknowledged: Promise<unknown>[] = [];
  const progress: Published[] = [];
  // The connection's trouble count that the last sending-again covered.
  let troubleCovered = trouble();
  let ackFailed = false;
  const mayHaveLostProgress = () => ackFailed || trouble() !== troubleCovered;
  const sendProgressAgain = async () => {
    troubleCovered = trouble();
    ackFailed = false;
    log(`the NATS connection failed during a trial: sending its ${progress.length} progress events again`);
    await Promise.all(progress.map(({ subject, body, msgID }) => js.publish(subject, body, { msgID })));
  };
  const encode = (event: TrialEvent): Published => ({
    subject: names.eventSubject(event.sweepId, event.trialId),
    body: encodeTrialEvent(event),
    msgID: eventMessageId(event),
  });
  return {
    progress(event) {
      const published = encode(event);
      progress.push(published);
      plain.sendSoon(published);
    },
    checkpointedEpoch(event) {
      const { subject, body, msgID } = encode(event);
      progress.push({ subject, body, msgID });
      plain.sendNow();
      const stored = js.publish(subject, body, { msgID });
      // An epoch's ack only orders its checkpoint after it (a failed one is logged there).
      stored.catch(() => (ackFailed = true));
      return stored;
    },
    outcome(event) {
      const { subject, body, msgID } = encode(event);
      plain.sendNow();
      const publish = () => js.publish(subject, body, { msgID });
      const stored = mayHaveLostProgress() ? sendProgressAgain().then(publish) : publish();
      acknowledged.push(stored);
      return stored;
    },
    async stored() {
      plain.sendNow();
      // The stream takes this connection's messages in order: an acked outcome
      // event means the progress events before it were taken too.
      if (acknowledged.length > 0) await Promise.all(acknowledged);
      else await nc.flush();
      if (mayHaveLostProgress()) await sendProgressAgain();
    },
  };
}

interface PlainPublishQueue {
  sendSoon(published: Published): void;
  sendNow(): void;
}

/**
 * Plain publishes wait for the end of this turn of the event loop and leave together:
 * the client writes to its socket once per turn, and progress messages from the
 * training threads arrive one task each. Anything acknowledged sends the queue first
 * (`sendNow`), so a trial's events keep their order.
 */
function plainPublishQueue(nc: NatsConnection): PlainPublishQueue {
  const queued: Published[] = [];
  let scheduled = false;
  const sendNow = () => {
    scheduled = false;
    for (const { subject, body, msgID } of queued.splice(0)) {
      const header = headers();
      header.set("Nats-Msg-Id", msgID);
      nc.publish(subject, body, { headers: header });
    }
  };
  return {
    sendSoon(published) {
      queued.push(published);
      if (!scheduled) {
        scheduled = true;
        setImmediate(sendNow);
      }
    },
    sendNow,
  };
}

/** Counts every disconnect or reconnect of `nc`: plain publishes in flight then may be lost. */
function watchConnectionTrouble(nc: NatsConnection): () => number {
  let count = 0;
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === "disconnect" || status.type === "reconnect") count++;
    }
  })().catch(() => {});
  return () => count;
}
