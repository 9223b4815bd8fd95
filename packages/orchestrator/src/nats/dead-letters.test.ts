import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { TrialSpec } from "@sweep/core";
import { eventFactory } from "@sweep/protocol";
import { sql } from "@sweep/store";
import { newSweepId } from "@sweep/store/testing";
import { describe, expect, it } from "vitest";
import { recordedPipeline, syntheticTrials, waitForSweepFinished } from "../../test/pipeline.js";
import { launchSweep } from "./launch.js";

/**
 * A "worker" that takes a trial message and dies: the test pulls it from the workers
 * consumer and never acks it, so JetStream redelivers it after the ack wait until
 * max deliveries, then (when a worker asks for more) sends the advisory that
 * SWEEP_EVENTS captures.
 */
describe("dead letters: a trial message that reaches max deliveries", () => {
  const pipeline = recordedPipeline({ ackWaitMs: 1000, maxDeliver: 2 });

  async function launchOne(name: string) {
    const { nats, names, database } = pipeline;
    const sweepId = newSweepId();
    const [trial] = syntheticTrials(sweepId, 1, 3);
    if (!trial) throw new Error("no trial");
    await launchSweep(database, nats.nc, names, { id: sweepId, name, config: {}, configHash: sweepId }, [trial]);
    return trial;
  }

  /** Takes the next delivery of a trial message (and leaves it unacknowledged). */
  async function takeDelivery(deliveryCount: number) {
    const { nats, names } = pipeline;
    const consumer = await jetstream(nats.nc).consumers.get(names.trialsStream, names.workersConsumer);
    const msg = await consumer.next({ expires: 5000 });
    expect(msg?.info.deliveryCount).toBe(deliveryCount);
    if (!msg) throw new Error("no delivery");
    return msg;
  }

  /** A worker still pulling: JetStream finds the message spent only when one asks for it. */
  async function pullNothing() {
    const { nats, names } = pipeline;
    const consumer = await jetstream(nats.nc).consumers.get(names.trialsStream, names.workersConsumer);
    expect(await consumer.next({ expires: 2500 })).toBeNull();
  }

  /** The second (last) delivery dies too; returns the trial's row once the recorder finished it. */
  async function lastDeliveryDies(trial: TrialSpec) {
    const { database } = pipeline;
    await takeDelivery(2);
    await pullNothing();
    await waitForSweepFinished(database, trial.sweepId);
    const [row] = await database.query<{ status: string; attempt: number; error: string }>(
      sql`SELECT status, attempt, error FROM trials WHERE id = ${trial.id}`,
    );
    return row;
  }

  it("records the trial failed with its deliveries counted when no worker ever reported it", async () => {
    const { nats, names } = pipeline;
    const trial = await launchOne("silent");
    await takeDelivery(1);
    expect(await lastDeliveryDies(trial)).toEqual({
      status: "failed",
      attempt: 2,
      error: "gave up after 2 deliveries: no worker reported an error (each attempt stopped answering)",
    });
    // The dead message is deleted once recorded: nothing of the trial is left in the work queue.
    const info = await (await jetstreamManager(nats.nc)).streams.info(names.trialsStream);
    expect(info.state.messages).toBe(0);
  });

  it("appends the last error a worker reported before dying", async () => {
    const { nats, names } = pipeline;
    const trial = await launchOne("flaky-then-dead");
    const first = await takeDelivery(1);
    const failed = eventFactory(trial, 1)({ type: "failed", error: "disk on fire", retryable: true });
    await jetstream(nats.nc).publish(names.eventSubject(trial.sweepId, trial.id), JSON.stringify(failed));
    first.nak();
    expect(await lastDeliveryDies(trial)).toEqual({
      status: "failed",
      attempt: 2,
      error: "gave up after 2 deliveries: disk on fire",
    });
  });
});
