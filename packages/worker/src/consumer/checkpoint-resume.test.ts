import { Objm } from "@nats-io/obj";
import type { TrialEvent } from "@sweep/core";
import { afterAll, describe, expect, it } from "vitest";
import {
  consumerPipeline,
  inProcessSyntheticTrainer,
  NATS_URL,
  newSweepId,
  publishTrials,
  startWorkerChild,
  syntheticTrials,
  type WorkerChild,
  waitForEvents,
} from "../../test/consumer.js";
import { type SweepWorker, startWorker } from "./worker.js";

const EPOCHS = 5;
const KILL_AFTER_EPOCH = 2;

describe("checkpoints in the JetStream object store", () => {
  // An ack wait of 3 s: the worker's keep-alive (every second) must stall three times
  // over before a delivery lapses, which a loaded machine can otherwise cause.
  const pipeline = consumerPipeline({ ackWaitMs: 3000, maxDeliver: 3 });
  let child: WorkerChild | undefined;
  let rescuer: SweepWorker | undefined;

  afterAll(async () => {
    if (child && child.child.exitCode === null) child.child.kill("SIGKILL");
    await rescuer?.stop();
  });

  it("a worker killed with SIGKILL after epoch 2: the redelivered attempt starts at epoch 3, no epoch trained twice", async () => {
    const { nats, names } = pipeline;
    const store = await new Objm(nats.nc).open(names.checkpointBucket);
    child = startWorkerChild(NATS_URL, nats.prefix);
    await child.started;

    const sweepId = newSweepId();
    const [trial] = syntheticTrials(sweepId, 1, EPOCHS, "epoch_ms=700");
    if (!trial) throw new Error("no trial");
    await publishTrials(nats.nc, names, [trial]);

    // Kill once epoch 2 is checkpointed (so its event is stored: a checkpoint waits for
    // its epoch's event), well before epoch 3 ends: a poll takes a few ms, an epoch 700.
    // The child starts and trains two epochs in about 3 s; the wait gives up after 40 s.
    for (const deadline = Date.now() + 40_000; ; ) {
      // The object's description, not its bytes: reading a blob while the worker replaces it may wait forever.
      const checkpoint = await store.info(trial.id);
      if (checkpoint?.description === `after epoch ${KILL_AFTER_EPOCH}`) break;
      if (Date.now() > deadline) throw new Error(`epoch ${KILL_AFTER_EPOCH} never checkpointed:\n${child.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.child.kill("SIGKILL");
    await child.exited;

    rescuer = await startWorker({
      nc: nats.nc,
      trainer: inProcessSyntheticTrainer(1),
      backend: "cpu",
      prefix: nats.prefix,
      id: "rescuer",
      fetchExpiresMs: 1000,
    });
    const events = await waitForEvents(nats.nc, names, sweepId, (all) => all.some((e) => e.type === "completed"));

    const started = events.filter((event) => event.type === "started");
    expect(started.map((event) => [event.attempt, event.type === "started" && event.resumeFromEpoch])).toEqual([
      [1, 0],
      [2, KILL_AFTER_EPOCH],
    ]);
    // Epoch 3 of the killed attempt was never finished, so nothing was trained twice.
    const epochs = (attempt: number) =>
      events.flatMap((event: TrialEvent) =>
        event.type === "epoch" && event.attempt === attempt ? [event.metrics.epoch] : [],
      );
    expect([epochs(1), epochs(2)]).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
    expect(events.at(-1)).toMatchObject({ type: "completed", attempt: 2 });
    expect(await store.getBlob(trial.id)).toBeNull();
    // Longer than its two 40 s waits, so a stall fails with what they saw, not a bare timeout.
  }, 120_000);
});
