import { Objm } from "@nats-io/obj";
import type { TrialEvent } from "@sweep/core";
import { type SweepWorker, startWorker } from "@sweep/worker";
import { afterAll, describe, expect, it } from "vitest";
import { inProcessSyntheticTrainer } from "../../../worker/src/consumer/consumer.test-support.js";
import { newSweepId } from "../db/store-fixtures.test-support.js";
import { type SweepProcess, SYNTHETIC_TASK, startSweep } from "./cli-processes.test-support.js";
import { launchSweep } from "./launch.js";
import { NATS_URL, recordedPipeline, syntheticTrials, waitForSweepFinished } from "./pipeline.test-support.js";

const EPOCHS = 5;
const KILL_AFTER_EPOCH = 2;

describe("checkpoints in the JetStream object store", () => {
  const recorded: TrialEvent[] = [];
  const pipeline = recordedPipeline(
    { ackWaitMs: 1000, maxDeliver: 3 },
    { onRecorded: (events) => recorded.push(...events) },
  );
  let child: SweepProcess | undefined;
  let rescuer: SweepWorker | undefined;

  afterAll(async () => {
    if (child && child.child.exitCode === null) child.child.kill("SIGKILL");
    await rescuer?.stop();
  });

  it("a worker killed with SIGKILL after epoch 2: the redelivered attempt starts at epoch 3, every epoch recorded once", async () => {
    const { nats, names, database } = pipeline;
    const store = await new Objm(nats.nc).open(names.checkpointBucket);
    child = startSweep(["worker", "--threads", "1", "--backend", "cpu", "--task", SYNTHETIC_TASK], {
      SWEEP_NATS_PREFIX: nats.prefix,
      NATS_URL,
    });
    await child.waitFor("threads, backend cpu");

    const sweepId = newSweepId();
    const [trial] = syntheticTrials(sweepId, 1, EPOCHS, "epoch_ms=700");
    if (!trial) throw new Error("no trial");
    await launchSweep(database, nats.nc, names, { id: sweepId, name: "kill", config: {}, configHash: sweepId }, [
      trial,
    ]);

    // Kill once epoch 2 is both recorded and checkpointed, well before epoch 3 ends.
    for (let tries = 0; ; tries++) {
      // The object's description, not its bytes: reading a blob while the worker replaces it may wait forever.
      const checkpoint = await store.info(trial.id);
      const [rows] = await database.query<{ n: number }>("SELECT count(*)::int AS n FROM epochs WHERE trial_id = $1", [
        trial.id,
      ]);
      if (checkpoint?.description === `after epoch ${KILL_AFTER_EPOCH}` && rows?.n === KILL_AFTER_EPOCH) break;
      if (tries > 300) throw new Error(`epoch ${KILL_AFTER_EPOCH} never checkpointed:\n${child.output()}`);
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
    const [row] = await waitForSweepFinished(database, sweepId, 20_000);
    expect(row).toMatchObject({ status: "completed", last_epoch: EPOCHS });

    const started = recorded.filter((event) => event.trialId === trial.id && event.type === "started");
    expect(started.map((event) => [event.attempt, event.type === "started" && event.resumeFromEpoch])).toEqual([
      [1, 0],
      [2, KILL_AFTER_EPOCH],
    ]);
    const epochs = await database.query<{ epoch: number; attempt: number }>(
      "SELECT epoch, attempt FROM epochs WHERE trial_id = $1 ORDER BY epoch",
      [trial.id],
    );
    expect(epochs.map((epoch) => [epoch.epoch, epoch.attempt])).toEqual([
      [1, 1],
      [2, 1],
      [3, 2],
      [4, 2],
      [5, 2],
    ]);
    // Epoch 3 of the killed attempt was never finished, so nothing was trained twice.
    const attempt2Epochs = recorded.filter(
      (event) => event.trialId === trial.id && event.type === "epoch" && event.attempt === 2,
    );
    expect(attempt2Epochs.map((event) => event.type === "epoch" && event.metrics.epoch)).toEqual([3, 4, 5]);
    expect(await store.getBlob(trial.id)).toBeNull();
  });
});
