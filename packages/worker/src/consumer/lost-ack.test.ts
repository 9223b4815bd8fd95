import { jetstream } from "@nats-io/jetstream";
import type { TrialEvent, TrialSpec } from "@sweep/core";
import { encodeTrialEvent, eventFactory, eventMessageId } from "@sweep/protocol";
import { describe, expect, it } from "vitest";
import {
  consumerPipeline,
  eventsOf,
  inProcessSyntheticTrainer,
  newSweepId,
  publishTrials,
  syntheticTrials,
  waitForQueueSettled,
} from "../../test/consumer.js";
import type { TrialTrainer } from "./trial-trainer.js";
import { startWorker } from "./worker.js";

const epoch = (trial: TrialSpec, n: number) => {
  const metrics = { epoch: n, loss: 1 / n, accuracy: 0.9, val_loss: 1 / n, val_accuracy: 0.9 };
  return eventFactory(trial, 1)({ type: "epoch", metrics: { ...metrics, duration_ms: 1, images_per_s: 1 } });
};

/** A trainer that notes which trials it was asked to train. */
function countingTrainer(trained: string[]): TrialTrainer {
  const inner = inProcessSyntheticTrainer(2);
  return {
    threads: inner.threads,
    train: (trial, options) => {
      trained.push(trial.id);
      return inner.train(trial, options);
    },
    close: () => inner.close(),
  };
}

/**
 * A worker finishes a trial, its outcome reaches SWEEP_EVENTS, and its ack of the trial
 * message dies with the server or the connection: JetStream delivers the message again.
 * The test plays that worker (it pulls the messages, publishes their events as a worker
 * does, and never acks), then starts a real one.
 */
describe("a redelivered trial message whose trial already finished (lost ack)", () => {
  const pipeline = consumerPipeline({ ackWaitMs: 1000, maxDeliver: 5 });

  /** Publishes events the way the worker does: on the trial's subject, deduplicated by message id. */
  async function publish(trial: TrialSpec, events: TrialEvent[]) {
    const { nats, names } = pipeline;
    for (const event of events) {
      await jetstream(nats.nc).publish(names.eventSubject(trial.sweepId, trial.id), encodeTrialEvent(event), {
        msgID: eventMessageId(event),
      });
    }
  }

  it("is acked without training it again when its outcome is its last event (else it trains again)", async () => {
    const { nats, names } = pipeline;
    const sweepId = newSweepId();
    const [outcomeLast, resentAfter] = syntheticTrials(sweepId, 2, 2);
    if (!outcomeLast || !resentAfter) throw new Error("no trials");
    await publishTrials(nats.nc, names, [outcomeLast, resentAfter]);

    // The worker that trained both trials and lost its acks.
    const consumer = await jetstream(nats.nc).consumers.get(names.trialsStream, names.workersConsumer);
    const taken = await consumer.fetch({ max_messages: 2, expires: 5000 });
    let deliveries = 0;
    for await (const msg of taken) {
      expect(msg.info.deliveryCount).toBe(1);
      deliveries++;
    }
    expect(deliveries).toBe(2);
    for (const trial of [outcomeLast, resentAfter]) {
      const event = eventFactory(trial, 1);
      const events = [event({ type: "started", worker: "lost", backend: "cpu", paramCount: 1, resumeFromEpoch: 0 })];
      // The second trial's epoch 2 event was lost on the way and sent again after the
      // outcome (the connection failed during the outcome's publish): its last event is
      // progress, so its trial trains again (the recorder ignores the result).
      events.push(epoch(trial, 1), ...(trial === outcomeLast ? [epoch(trial, 2)] : []));
      events.push(event({ type: "completed", test_loss: 0.5, test_accuracy: 0.9, duration_ms: 5 }));
      if (trial === resentAfter) events.push(epoch(trial, 2));
      await publish(trial, events);
    }

    const trained: string[] = [];
    const lines: string[] = [];
    const worker = await startWorker({
      nc: nats.nc,
      trainer: countingTrainer(trained),
      backend: "cpu",
      prefix: nats.prefix,
      fetchExpiresMs: 1000,
      log: (line) => lines.push(line),
    });
    try {
      await waitForQueueSettled(nats.nc, names);
    } finally {
      await worker.stop();
    }

    expect({ trained, lines }).toEqual({ trained: [resentAfter.id], lines });
    expect(lines.filter((line) => line.includes("already completed by attempt 1"))).toEqual([
      `trial ${outcomeLast.id} was already completed by attempt 1: acking its redelivered message without training it`,
    ]);
    // Only the trial whose last event was progress trained again, as attempt 2.
    const attempts = (trial: TrialSpec) => [
      ...new Set(events.filter((event) => event.trialId === trial.id).map((event) => event.attempt)),
    ];
    const events = await eventsOf(nats.nc, names, sweepId);
    expect(attempts(outcomeLast)).toEqual([1]);
    expect(attempts(resentAfter)).toEqual([1, 2]);
    expect(events.at(-1)).toMatchObject({ trialId: resentAfter.id, attempt: 2, type: "completed" });
  });
});
