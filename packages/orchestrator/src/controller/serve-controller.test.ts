import { parseSweepConfig } from "@sweep/core";
import { ensurePipeline, type PipelineNames } from "@sweep/protocol";
import { natsForTest } from "@sweep/protocol/testing";
import {
  insertSweep,
  lockSweepDecisions,
  markSweepCancelled,
  openDatabase,
  openTrials,
  type SweepDatabase,
  searchHistory,
  setSweepCancelled,
  sql,
  sweepById,
  sweepRungDecisions,
  trialRanking,
} from "@sweep/store";
import { type SweepWorker, startWorker } from "@sweep/worker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshPostgresDatabase } from "../../test/cli-processes.js";
import { type AfterEpoch, curveTrainer, sleep } from "../../test/curve-trainer.js";
import { publishSweepCancel } from "../nats/cancel.js";
import { startDatabaseRecorder } from "../nats/database-recording.js";
import { launchSweep, planSweep } from "../nats/launch.js";
import type { Recorder } from "../nats/recorder.js";
import { startServeController } from "./serve-controller.js";

const CONFIG = (name: string) => `
name: ${name}
method: bayes
run_cap: 10
metric: {name: val_accuracy, goal: maximize}
parameters:
  training.learning_rate: {min: 0.001, max: 1, distribution: log_uniform_values}
training: {epochs: 9, optimizer: sgd}
early_terminate: {type: hyperband, min_iter: 1, eta: 3}
`;

/** The rung epochs of CONFIG's hyperband (min_iter 1, eta 3, 9 epochs). */
const RUNG_EPOCHS = [1, 3];

/**
 * Holds a trial of `gated` sweeps after each rung epoch until the rung's decision is
 * stored and, when it prunes, has reached the worker (the trial's cancel flag is up): a
 * prune never loses a race with the trial's last epochs, however busy the machine.
 */
function awaitRungDecisions(database: () => SweepDatabase, gated: Set<string>): AfterEpoch {
  return async (trial, epoch, cancelFlag) => {
    if (!gated.has(trial.sweepId) || !RUNG_EPOCHS.includes(epoch)) return;
    for (;;) {
      if (Atomics.load(cancelFlag, 0) === 1) return;
      const decisions = await sweepRungDecisions(database(), trial.sweepId);
      const decided = decisions.filter((row) => row.trialId === trial.id && row.epoch <= epoch);
      if (decided.some((row) => row.epoch === epoch) && decided.every((row) => row.action === "continue")) return;
      await sleep(20);
    }
  };
}

const LOGGED: string[] = [];
async function waitForSweep(database: SweepDatabase, sweepId: string, statuses: string[], timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const sweep = await sweepById(database, sweepId);
    if (sweep && statuses.includes(sweep.status)) return sweep;
    if (Date.now() > deadline)
      throw new Error(`sweep ${sweepId} is ${sweep?.status}, not ${statuses.join("|")}: ${LOGGED.join("\n")}`);
    await sleep(100);
  }
}

describe("the search controller in sweep serve: two recorders, one worker, real NATS and Postgres", () => {
  let nats: Awaited<ReturnType<typeof natsForTest>>;
  let server: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let names: PipelineNames;
  const databases: SweepDatabase[] = [];
  const recorders: Recorder[] = [];
  let worker: SweepWorker;
  const logged = LOGGED;
  const gated = new Set<string>();

  beforeAll(async () => {
    nats = await natsForTest();
    server = await freshPostgresDatabase();
    names = await ensurePipeline(nats.nc, { prefix: nats.prefix, ackWaitMs: 2000 });
    // Two `sweep serve`s, each with its own connection: every decision must be taken once.
    for (let i = 0; i < 2; i++) {
      const database = await openDatabase({ url: server.url });
      databases.push(database);
      recorders.push(
        await startDatabaseRecorder({
          nc: nats.nc,
          names,
          database,
          batchSize: 3,
          heartbeatCopyMs: 200,
          reconcileMs: 300,
          log: (line) => logged.push(line),
        }),
      );
    }
    worker = await startWorker({
      nc: nats.nc,
      trainer: curveTrainer(
        2,
        60,
        awaitRungDecisions(() => databases[0] as SweepDatabase, gated),
      ),
      backend: "cpu",
      prefix: nats.prefix,
      heartbeatMs: 200,
      fetchExpiresMs: 1000,
      log: (line) => logged.push(`worker: ${line}`),
    });
  });

  afterAll(async () => {
    await worker?.stop();
    for (const recorder of recorders) await recorder.stop();
    for (const database of databases) await database.close();
    await server?.dispose();
    await nats?.dispose();
  });

  it("proposes run_cap distinct trials, prunes at rungs, and decides every rung once", async () => {
    const [database] = databases as [SweepDatabase];
    const { sweep, trials } = planSweep(parseSweepConfig(CONFIG("served"), "served.yaml"));
    expect(trials).toEqual([]);
    gated.add(sweep.id);
    await launchSweep(database, nats.nc, names, sweep, trials);
    await waitForSweep(database, sweep.id, ["completed"]);
    const history = await searchHistory(database, sweep.id);
    expect(history).toHaveLength(10);
    expect(new Set(history.map((row) => row.key)).size).toBe(10);
    expect(history.map((row) => row.ordinal)).toEqual([...Array(10).keys()]);
    // The decision lock keeps the two serves apart: no batch or reconcile failed on the other's rows.
    expect(logged.filter((line) => line.includes("failed"))).toEqual([]);
    const ranking = await trialRanking(database, sweep.id);
    const pruned = ranking.filter((row) => row.status === "pruned").map((row) => row.trial_id);
    expect(pruned.length).toBeGreaterThan(0);
    expect(ranking.every((row) => row.status === "completed" || row.status === "pruned")).toBe(true);
    const decisions = await sweepRungDecisions(database, sweep.id);
    const prunes = decisions.filter((row) => row.action === "prune");
    // One prune per trial, and the trials pruned are exactly those (each held at its
    // rung until its prune arrived: none came too late).
    expect(new Set(prunes.map((row) => row.trialId)).size).toBe(prunes.length);
    expect(prunes.map((row) => row.trialId).sort()).toEqual([...pruned].sort());
    const errors = await database.query<{ error: string }>(
      sql`SELECT error FROM trials WHERE sweep_id = ${sweep.id} AND status = 'pruned'`,
    );
    for (const { error } of errors)
      expect(error).toMatch(/^pruned at epoch \d+: rung [12] \(epoch [13]\): val_accuracy/);
    // Every trial that reached a rung epoch before it was pruned has its decision there
    // (an epoch recorded after a prune at a later rung, out of order, decides nothing).
    const epochs = await database.query<{ trial_id: string; epoch: number; recorded_at: Date }>(
      sql`SELECT e.trial_id, e.epoch, e.recorded_at FROM epochs e JOIN trials t ON t.id = e.trial_id
          WHERE t.sweep_id = ${sweep.id} AND e.epoch IN (1, 3)`,
    );
    const decided = new Set(decisions.map((row) => `${row.trialId}@${row.epoch}`));
    const prunedOf = new Map(prunes.map((row) => [row.trialId, row]));
    for (const { trial_id, epoch, recorded_at } of epochs) {
      const prune = prunedOf.get(trial_id);
      if (!prune || (epoch <= prune.epoch && recorded_at.getTime() <= prune.decidedAt.getTime()))
        expect(decided).toContain(`${trial_id}@${epoch}`);
    }
  });

  it("proposes nothing for a cancelled bayes sweep, nor for its trials that end cancelled", async () => {
    const [database] = databases as [SweepDatabase];
    const { sweep } = planSweep(parseSweepConfig(CONFIG("cancelled"), "cancelled.yaml"));
    await database.transaction(async (tx) => {
      await insertSweep(tx, sweep);
      await setSweepCancelled(tx, sweep.id);
    });
    // A running one: each trial that ends cancelled used to make room for a proposal.
    const slow = planSweep(parseSweepConfig(CONFIG("slow").replace("epochs: 9", "epochs: 400"), "slow.yaml"));
    await launchSweep(database, nats.nc, names, slow.sweep, []);
    while ((await openTrials(database, slow.sweep.id)).every((trial) => trial.status !== "running")) await sleep(50);
    // Cancelled under the decision lock: a decider committed its proposals before (they
    // are counted here), or takes the lock after and finds the sweep cancelled.
    const proposed = await database.transaction(async (tx) => {
      await lockSweepDecisions(tx, [slow.sweep.id]);
      await setSweepCancelled(tx, slow.sweep.id);
      return (await searchHistory(tx, slow.sweep.id)).length;
    });
    await markSweepCancelled(database, slow.sweep.id);
    await publishSweepCancel(nats.nc, names, slow.sweep.id);
    while ((await openTrials(database, slow.sweep.id)).length > 0) await sleep(50);
    // One whole reconcile surely runs now: a third serve's, at its start (stop awaits it).
    const third = await startServeController({ database, nc: nats.nc, names, log: (line) => logged.push(line) });
    await third.stop();
    expect(await searchHistory(database, sweep.id)).toEqual([]);
    expect(await searchHistory(database, slow.sweep.id)).toHaveLength(proposed);
  });

  it("records a sweep whose stored config no longer validates, without a controller", async () => {
    const [database] = databases as [SweepDatabase];
    const { sweep, trials } = planSweep(parseSweepConfig("name: broken\ntraining: {epochs: 2}\n", "broken.yaml"));
    const broken = { ...sweep, config: { ...(sweep.config as object), method: "telepathy" } };
    await launchSweep(database, nats.nc, names, broken, trials);
    await waitForSweep(database, sweep.id, ["completed"], 30_000);
    expect((await trialRanking(database, sweep.id)).map((row) => row.status)).toEqual(["completed"]);
    expect(logged.some((line) => line.includes(`sweep ${sweep.id}'s stored config does not validate`))).toBe(true);
  });
});
