import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { detectOverfit } from "@sweep/core";
import { openDatabase, resolveDatabaseTarget, type SweepDatabase, sql } from "@sweep/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedSweep } from "../../bench/seed-sweep.js";
import { syntheticTrialRows } from "../../bench/synthetic-sweep.js";
import { snapshotLoader } from "./load-snapshot.js";

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
    const snapshot = await snapshotLoader(db)();
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
    const snapshot = await snapshotLoader(db, { sweepRef: "loader-variants" })();
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
    const before = await load();
    const running = before.trials.find((t) => t.status === "running");
    if (!running) throw new Error("the seed has running trials");
    const next = running.epochsDone + 1;
    await db.query(sql`INSERT INTO epochs (trial_id, epoch, loss, accuracy, val_loss, val_accuracy, duration_ms, images_per_s, attempt)
       VALUES (${running.id}, ${next}, 0.01, 0.99, 0.5, 0.9, 1000, 100, 1)`);
    const after = (await load()).trials.find((t) => t.id === running.id);
    expect(after?.epochsDone).toBe(next);
    expect(after?.lastValLoss).toBe(0.5);
    expect(after?.valAccuracy).toBe(0.9);
  });

  it("gives each trial the layer table of its stored model (Keras' Model1: 1,199,882 params)", async () => {
    const [first] = (await snapshotLoader(db)()).trials;
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
