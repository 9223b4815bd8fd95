import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { TrialEvent, TrialSpec } from "@sweep/core";
import { eventFactory, eventMessageId } from "@sweep/protocol";
import { startWorker, type TrialTrainer } from "@sweep/worker";
import { describe, expect, it } from "vitest";
import { newSweepId } from "../db/store-fixtures.test-support.js";
import { inProcessSyntheticTrainer } from "./in-process-trainer.test-support.js";
import { launchSweep } from "./launch.js";
import { recordedPipeline, syntheticTrials, waitForSweepFinished } from "./pipeline.test-support.js";

/**
 * A worker finishes a trial, its outcome reaches SWEEP_EVENTS, and its ack of the trial
 * message dies with the server or the connection: JetStream delivers the message again.
 * The test plays that worker (it pulls the messages, publishes their events as a worker
 * does, and never acks), then starts a real one.
 */
describe("a redelivered trial message whose trial already finished (lost ack)", () => {
  const pipeline = recordedPipeline({ ackWaitMs: 1000, maxDeliver: 5 });

  /** Publishes events the way the worker does: on the trial's subject, deduplicated by message id. */
  async function publish(trial: TrialSpec, events: TrialEvent[]) {
    const { nats, names } = pipeline;
    for (const event of events) {
      await jetstream(nats.nc).publish(names.eventSubject(trial.sweepId, trial.id), JSON.stringify(event), {
        msgID: eventMessageId(event),
      });
    }
  }

  const epoch = (trial: TrialSpec, n: number) => {
    const metrics = { epoch: n, loss: 1 / n, accuracy: 0.9, val_loss: 1 / n, val_accuracy: 0.9 };
    return eventFactory(trial, 1)({ type: "epoch", metrics: { ...metrics, duration_ms: 1, images_per_s: 1 } });
  };

  it("is acked without training it again when its outcome is its last event (else it trains again)", async () => {
    const { nats, names, database } = pipeline;
    const sweepId = newSweepId();
    const [outcomeLast, resentAfter] = syntheticTrials(sweepId, 2, 2);
    if (!outcomeLast || !resentAfter) throw new Error("no trials");
    await launchSweep(database, nats.nc, names, { id: sweepId, name: "lost acks", config: {}, configHash: sweepId }, [
      outcomeLast,
      resentAfter,
    ]);

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
      // progress, so its trial trains again, the recorder ignoring the result.
      events.push(epoch(trial, 1), ...(trial === outcomeLast ? [epoch(trial, 2)] : []));
      events.push(event({ type: "completed", test_loss: 0.5, test_accuracy: 0.9, duration_ms: 5 }));
      if (trial === resentAfter) events.push(epoch(trial, 2));
      await publish(trial, events);
    }
    await waitForSweepFinished(database, sweepId);

    const trained: string[] = [];
    const inner = inProcessSyntheticTrainer(2);
    const counting: TrialTrainer = {
      threads: inner.threads,
      train: (trial, options) => {
        trained.push(trial.id);
        return inner.train(trial, options);
      },
      close: () => inner.close(),
    };
    const lines: string[] = [];
    const worker = await startWorker({
      nc: nats.nc,
      trainer: counting,
      backend: "cpu",
      prefix: nats.prefix,
      fetchExpiresMs: 1000,
      log: (line) => lines.push(line),
    });
    try {
      const jsm = await jetstreamManager(nats.nc);
      const deadline = Date.now() + 15_000;
      for (;;) {
        const queue = await jsm.consumers.info(names.trialsStream, names.workersConsumer);
        if (queue.num_pending + queue.num_ack_pending === 0 && queue.delivered.stream_seq > 0) break;
        if (Date.now() > deadline) throw new Error(`trial messages still held: ${JSON.stringify(lines)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await worker.stop();
    }

    expect({ trained, lines }).toEqual({ trained: [resentAfter.id], lines });
    expect(lines.filter((line) => line.includes("already completed by attempt 1"))).toEqual([
      `trial ${outcomeLast.id} was already completed by attempt 1: acking its redelivered message without training it`,
    ]);
    const rows = await database.query<{ status: string; attempt: number }>(
      "SELECT status, attempt FROM trials WHERE sweep_id = $1",
      [sweepId],
    );
    expect(rows).toEqual([
      { status: "completed", attempt: 1 },
      { status: "completed", attempt: 1 },
    ]);
    const [epochs] = await database.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM epochs e JOIN trials t ON t.id = e.trial_id WHERE t.sweep_id = $1",
      [sweepId],
    );
    expect(epochs?.n).toBe(4);
  });
});
