import { jetstream } from "@nats-io/jetstream";
import type { TrialEvent } from "@sweep/core";
import { openPruneOrders } from "@sweep/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  consumerPipeline,
  inProcessSyntheticTrainer,
  newSweepId,
  publishTrials,
  syntheticTrials,
  waitForEvents,
  waitForQueueSettled,
} from "../../test/consumer.js";
import { type SweepWorker, startWorker } from "./worker.js";

const OUTCOMES = new Set<TrialEvent["type"]>(["completed", "pruned", "failed", "cancelled"]);

/** Each trial's events as `type[epoch]@attempt`, in stream order. */
function timeline(events: TrialEvent[]): Record<string, string[]> {
  const byTrial: Record<string, string[]> = {};
  for (const event of events) {
    const epoch = event.type === "epoch" ? event.metrics.epoch : "";
    byTrial[event.trialId] = [...(byTrial[event.trialId] ?? []), `${event.type}${epoch}@${event.attempt}`];
  }
  return byTrial;
}

/** Whether `count` trials reached their final outcome (a retryable failure is not one). */
const finishedOnce = (count: number) => (events: TrialEvent[]) =>
  events.filter((event) => OUTCOMES.has(event.type) && !(event.type === "failed" && event.retryable)).length === count;

describe("startWorker: the consumer against a real JetStream", () => {
  const pipeline = consumerPipeline({ ackWaitMs: 2000, maxDeliver: 3 });
  const workers: SweepWorker[] = [];

  beforeAll(async () => {
    for (const id of ["w-a", "w-b"]) {
      const { nats } = pipeline;
      workers.push(
        await startWorker({
          nc: nats.nc,
          trainer: inProcessSyntheticTrainer(2),
          backend: "cpu",
          prefix: nats.prefix,
          id,
          fetchExpiresMs: 1000,
        }),
      );
    }
  });

  afterAll(async () => {
    for (const worker of workers) await worker.stop();
  });

  it("trains every trial once: started, each epoch, completed, all of attempt 1, every message acked", async () => {
    const { nats, names } = pipeline;
    const sweepId = newSweepId();
    const trials = syntheticTrials(sweepId, 6, 4);
    await publishTrials(nats.nc, names, trials);
    const events = await waitForEvents(nats.nc, names, sweepId, finishedOnce(6));
    await waitForQueueSettled(nats.nc, names);
    const expected = ["started@1", "epoch1@1", "epoch2@1", "epoch3@1", "epoch4@1", "completed@1"];
    expect(timeline(events)).toEqual(Object.fromEntries(trials.map((trial) => [trial.id, expected])));
    expect(new Set(events.map((event) => event.type === "started" && event.worker).filter(Boolean))).toEqual(
      new Set(["w-a", "w-b"]),
    );
  });

  it("fails a deterministic failure for good after one delivery and finishes the rest", async () => {
    const { nats, names } = pipeline;
    const sweepId = newSweepId();
    const trials = syntheticTrials(sweepId, 3, 3);
    trials[1] = { ...trials[1], dataset: { ...trials[1].dataset, source: "synthetic:fail=deterministic" } };
    await publishTrials(nats.nc, names, trials);
    const events = await waitForEvents(nats.nc, names, sweepId, finishedOnce(3));
    const failed = events.filter((event) => event.type === "failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ trialId: trials[1].id, attempt: 1, retryable: false });
    expect(failed[0]?.type === "failed" && failed[0].error).toContain("synthetic deterministic failure");
  });

  it("hands a transient failure back until max_deliver, then fails it for good", async () => {
    const { nats, names } = pipeline;
    const sweepId = newSweepId();
    const trials = syntheticTrials(sweepId, 1, 3, "fail=transient");
    await publishTrials(nats.nc, names, trials);
    const events = await waitForEvents(nats.nc, names, sweepId, finishedOnce(1));
    const failed = events.flatMap((event) => (event.type === "failed" ? [[event.attempt, event.retryable]] : []));
    expect(failed).toEqual([
      [1, true],
      [2, true],
      [3, false],
    ]);
  });

  it("terminates a message of an unknown version with a failed event, without training it", async () => {
    const { nats, names } = pipeline;
    const sweepId = newSweepId();
    const [trial] = syntheticTrials(sweepId, 1, 3);
    if (!trial) throw new Error("no trial");
    await jetstream(nats.nc).publish(names.trialSubject(sweepId), JSON.stringify({ v: 2, trial }), { msgID: trial.id });
    const events = await waitForEvents(nats.nc, names, sweepId, finishedOnce(1));
    expect(events).toMatchObject([
      { type: "failed", trialId: trial.id, attempt: 1, error: "trial message version must be 1, received 2" },
    ]);
  });

  it("stops a running trial the controller prunes and records it pruned with the rung in the reason", async () => {
    const { nats, names } = pipeline;
    const sweepId = newSweepId();
    const [trial] = syntheticTrials(sweepId, 1, 200, "epoch_ms=50");
    if (!trial) throw new Error("no trial");
    await publishTrials(nats.nc, names, [trial]);
    await waitForEvents(nats.nc, names, sweepId, (events) => events.some((event) => event.type === "epoch"));
    const orders = await openPruneOrders(nats.nc, names);
    await orders.put({ sweepId, trialId: trial.id, epoch: 1, reason: "rung 1 (epoch 1): test" });
    const events = await waitForEvents(nats.nc, names, sweepId, finishedOnce(1));
    const outcome = events.at(-1);
    expect(outcome).toMatchObject({ type: "pruned", trialId: trial.id, attempt: 1, reason: "rung 1 (epoch 1): test" });
    expect(events.filter((event) => event.type === "epoch").length).toBeLessThan(200);
  });

  it("records a trial pruned before it is delivered (a redelivery after its rung) without training it", async () => {
    const { nats, names } = pipeline;
    const sweepId = newSweepId();
    const [trial] = syntheticTrials(sweepId, 1, 3);
    if (!trial) throw new Error("no trial");
    const orders = await openPruneOrders(nats.nc, names);
    await orders.put({ sweepId, trialId: trial.id, epoch: 2, reason: "rung 1 (epoch 2): test" });
    await publishTrials(nats.nc, names, [trial]);
    const events = await waitForEvents(nats.nc, names, sweepId, finishedOnce(1));
    expect(events).toMatchObject([{ type: "pruned", trialId: trial.id, epoch: 2, reason: "rung 1 (epoch 2): test" }]);
  });
});
