import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { detectOverfit } from "@sweep/core";
import { initialViewState, pageRequest, renderDashboardFrame } from "@sweep/dashboard-tui";
import {
  openDatabase,
  type Queryable,
  recordEvents,
  recordRungDecision,
  resolveDatabaseTarget,
  type SweepDatabase,
  sql,
} from "@sweep/store";
import { newSweepId, postgresFactory } from "@sweep/store/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedSweep } from "../../bench/seed-sweep.js";
import { syntheticTrialRows } from "../../bench/synthetic-sweep.js";
import { HYPERBAND_TRIALS, seedHyperbandSweep } from "../../test/hyperband-sweep.js";
import { snapshotLoader } from "./load-snapshot.js";

/** A request whose page holds every trial of these small sweeps. */
const ALL = pageRequest(initialViewState, 100);

describe("snapshotLoader on PGlite", () => {
  let dir = "";
  let db: SweepDatabase;
  const sweepId = "dash-loader-1";

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "sweep-dashboard-loader-"));
    db = await openDatabase(resolveDatabaseTarget({ db: dir }));
    await seedSweep(db, {
      sweepId,
      sweepName: "loader-variants",
      trials: syntheticTrialRows({ trials: 24, epochs: 8, running: 3, queued: 2, seed: 3 }),
    });
  });

  afterAll(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("lists the trials in trial_ranking order, then the unranked ones", async () => {
    const snapshot = await snapshotLoader(db)(ALL);
    const view = await db.query<{ trial_id: string }>(
      sql`SELECT trial_id FROM trial_ranking WHERE sweep_id = ${sweepId} AND rank IS NOT NULL ORDER BY rank, ordinal`,
    );
    expect(snapshot.sweep?.name).toBe("loader-variants");
    expect(snapshot.trials.slice(0, view.length).map((t) => t.id)).toEqual(view.map((r) => r.trial_id));
    expect(snapshot.trials.slice(view.length).every((t) => t.rank === null && t.curve.length === 0)).toBe(true);
    expect(snapshot.trials).toHaveLength(24);
    expect(snapshot.trials.length - view.length).toBe(2);
  });

  it("shows the stored overfit epochs, which are core's detectOverfit over the stored epochs", async () => {
    const snapshot = await snapshotLoader(db, { sweepRef: "loader-variants" })(ALL);
    const epochRows = await db.query<{ trial_id: string; epoch: number; loss: number; val_loss: number }>(
      sql`SELECT trial_id, epoch, loss, val_loss FROM epochs ORDER BY trial_id, epoch`,
    );
    let overfitting = 0;
    for (const trial of snapshot.trials) {
      const epochs = epochRows.filter((e) => e.trial_id === trial.id);
      const stored = await db.query<{ overfit_epoch: number | null; best_epoch: number | null }>(
        sql`SELECT overfit_epoch, best_epoch FROM trials WHERE id = ${trial.id}`,
      );
      const analysis = epochs.length ? detectOverfit(epochs) : null;
      expect(trial.overfitEpoch).toBe(stored[0].overfit_epoch);
      expect(trial.overfitEpoch).toBe(analysis?.overfitEpoch ?? null);
      expect(trial.bestEpoch).toBe(analysis?.bestEpoch ?? null);
      expect(trial.curve.map((p) => p.valLoss)).toEqual(epochs.map((e) => e.val_loss));
      if (trial.overfitEpoch !== null) overfitting++;
    }
    expect(overfitting).toBeGreaterThan(0);
  });

  it("reads new epochs of running trials on the next refresh", async () => {
    const load = snapshotLoader(db, { sweepRef: sweepId });
    const before = await load(ALL);
    const running = before.trials.find((t) => t.status === "running");
    if (!running) throw new Error("the seed has running trials");
    const next = running.epochsDone + 1;
    const metrics = { epoch: next, loss: 0.01, accuracy: 0.99, val_loss: 0.5, val_accuracy: 0.9 };
    await recordEvents(db, [
      {
        v: 1,
        type: "epoch",
        sweepId,
        trialId: running.id,
        attempt: 1,
        at: new Date().toISOString(),
        metrics: { ...metrics, duration_ms: 1000, images_per_s: 100 },
      },
    ]);
    const after = (await load(ALL)).trials.find((t) => t.id === running.id);
    expect(after?.epochsDone).toBe(next);
    expect(after?.lastValLoss).toBe(0.5);
    expect(after?.valAccuracy).toBe(0.9);
    expect(after?.curve.at(-1)?.valLoss).toBe(0.5);
  });

  it("gives each trial the layer table of its stored model (Keras' Model1: 1,199,882 params)", async () => {
    const [first] = (await snapshotLoader(db)({ ...ALL, detail: true })).trials;
    expect(first.model.map((row) => row.layer)).toEqual([
      "conv2d_1 (Conv2D)",
      "conv2d_2 (Conv2D)",
      "max_pooling2d_1 (MaxPooling2D)",
      "dropout_1 (Dropout)",
      "flatten_1 (Flatten)",
      "dense_1 (Dense)",
      "dropout_2 (Dropout)",
      "dense_2 (Dense)",
    ]);
    expect(first.model[0].outputShape).toBe("(None, 26, 26, 32)");
    expect(first.model[4].outputShape).toBe("(None, 9216)");
    expect(first.model.reduce((sum, row) => sum + row.params, 0)).toBe(1_199_882);
  });
});

describe("snapshotLoader on a bayes + hyperband sweep (Postgres)", () => {
  const databases = postgresFactory();
  let db: SweepDatabase;
  const sweepId = newSweepId();
  const gridId = newSweepId();
  /** The statements that read rung_decisions, counted on their way to the real database. */
  let decisionReads = 0;
  const counting: Queryable = {
    query: (statement) => {
      if (statement.text.includes("rung_decisions")) decisionReads++;
      return db.query(statement);
    },
  };

  beforeAll(async () => {
    db = await databases.open();
    await seedHyperbandSweep(db, sweepId);
    await seedSweep(db, { sweepId: gridId, sweepName: "grid", trials: syntheticTrialRows({ trials: 3, epochs: 4 }) });
  });
  afterAll(() => databases.dispose());

  // First: the next test records variant-6's rung-1 decision.
  it("draws the stored rungs: the rung line and the rung column of the frame", async () => {
    const frame = renderDashboardFrame(await snapshotLoader(db, { sweepRef: sweepId })(ALL), {
      columns: 160,
      rows: 50,
    });
    expect(frame).toContain("bayes: 7 of run_cap 12 proposed, 2 running, 4 finished");
    expect(frame).toMatch(/hyperband eta 3: r1 @ epoch 1: 5 reached, 1 pruned · r2 @ epoch 3: 3 reached, 1 pruned/);
    const cells = frame
      .split("\n")
      .map((line) => /(variant-\d)\s.*?(?:completed|running|pruned|queued)\s+(.*?)\s*\d+\/6 /.exec(line))
      .filter((match) => match !== null)
      .map((match) => [match[1], match[2]]);
    expect(Object.fromEntries(cells)).toEqual({
      "variant-1": "",
      "variant-2": "at r1",
      "variant-3": "r2",
      "variant-4": "at r2",
      "variant-5": "",
      "variant-6": "",
      "variant-7": "",
    });
  });

  it("carries the sweep's search and each trial's stored decisions, read once per refresh", async () => {
    const load = snapshotLoader(counting, { sweepRef: sweepId });
    const snapshot = await load(ALL);
    expect(decisionReads).toBe(1);
    expect(snapshot.search).toEqual({ proposer: { runCap: 12 }, rungs: { eta: 3, epochs: [1, 3] } });
    const byOrdinal = [...snapshot.trials].sort((a, b) => a.id.localeCompare(b.id));
    expect(byOrdinal.map((t) => t.rungs)).toEqual(
      HYPERBAND_TRIALS.map((plan) => plan.decisions.map(([epoch, rung, action]) => ({ epoch, rung, action }))),
    );

    const waiting = byOrdinal[5];
    if (!waiting) throw new Error("the seed has 7 trials");
    await recordRungDecision(db, { trialId: waiting.id, epoch: 1, rung: 1, action: "continue", reason: null });
    const next = await load(ALL);
    expect(decisionReads).toBe(2);
    expect(next.trials.find((t) => t.id === waiting.id)?.rungs).toEqual([{ epoch: 1, rung: 1, action: "continue" }]);
  });

  it("reads no decisions and has no search for a sweep without one", async () => {
    const before = decisionReads;
    const snapshot = await snapshotLoader(counting, { sweepRef: gridId })(ALL);
    expect(decisionReads).toBe(before);
    expect(snapshot.search).toBeNull();
    expect(snapshot.trials.every((t) => t.rungs.length === 0)).toBe(true);
    expect(renderDashboardFrame(snapshot)).not.toMatch(/hyperband| rung /);
  });
});
