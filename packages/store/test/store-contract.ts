import { isUsageError, type TrialEvent, type TrialSpec } from "@sweep/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createSweep,
  epochCurves,
  getSweep,
  listSweeps,
  listWorkers,
  lockSweepDecisions,
  markSweepCancelled,
  pendingPrunes,
  recordEvent,
  recordEvents,
  recordHeartbeat,
  recordRungDecision,
  requeueTrials,
  type SweepDatabase,
  sql,
  sweepKeptWeights,
  sweepRungDecisions,
  sweepWorkers,
  trialKeptWeights,
  trialRanking,
  trialStatusCounts,
} from "../src/index.js";
import { events, newSweepId, trialSpecs } from "./fixtures/sweeps.js";
import type { DatabaseFactory } from "./helpers.js";

/** The storage contract, run against every implementation (embedded PGlite and server Postgres). */
export function describeStoreContract(label: string, makeFactory: () => DatabaseFactory): void {
  describe(`storage contract: ${label}`, () => {
    const factory = makeFactory();
    let db: SweepDatabase;
    beforeAll(async () => {
      db = await factory.open();
    });
    afterAll(() => factory.dispose());

    async function launch(count = 3, earlyTerminate?: Parameters<typeof trialSpecs>[2], config: object = {}) {
      const sweepId = newSweepId();
      const trials = trialSpecs(sweepId, count, earlyTerminate);
      await createSweep(
        db,
        { id: sweepId, name: `sweep ${sweepId}`, config: { method: "list", ...config }, configHash: "h" },
        trials,
      );
      return { sweepId, trials };
    }
    const trialRow = async (id: string) =>
      (await db.query(sql`SELECT * FROM trials WHERE id = ${id}`))[0] as Record<string, unknown>;
    const sweepRow = async (id: string) =>
      (await db.query(sql`SELECT * FROM sweeps WHERE id = ${id}`))[0] as Record<string, unknown>;
    const epochRows = (id: string) =>
      db.query<{ epoch: number; val_loss: number; attempt: number }>(
        sql`SELECT epoch, val_loss, attempt FROM epochs WHERE trial_id = ${id} ORDER BY epoch`,
      );

    it("creates a sweep and its trials together, and leaves an existing sweep untouched on re-launch", async () => {
      const { sweepId, trials } = await launch(3);
      const again = await createSweep(db, { id: sweepId, name: "renamed", config: {}, configHash: "other" }, trials);
      expect(again.created).toBe(false);
      expect(again.existing?.name).toBe(`sweep ${sweepId}`);
      expect(await db.query(sql`SELECT id FROM trials WHERE sweep_id = ${sweepId}`)).toHaveLength(3);
      expect(await trialRow(trials[0].id)).toMatchObject({ status: "queued", attempt: 0, epochs_planned: 6 });
    });

    it("writes nothing when one trial of a new sweep cannot be inserted", async () => {
      const sweepId = newSweepId();
      const [first] = trialSpecs(sweepId, 1);
      const duplicate = { ...first, ordinal: 1 };
      await expect(
        createSweep(db, { id: sweepId, name: "x", config: {}, configHash: "h" }, [first, duplicate]),
      ).rejects.toThrow();
      expect(await db.query(sql`SELECT id FROM sweeps WHERE id = ${sweepId}`)).toHaveLength(0);
    });

    it("records the same epoch event twice as one row", async () => {
      const { trials } = await launch(1);
      const trial = trials[0];
      expect(await recordEvent(db, events.started(trial))).toBe("applied");
      const epoch = events.epoch(trial, 1, 0.5);
      expect(await recordEvent(db, epoch)).toBe("applied");
      expect(await recordEvent(db, epoch)).toBe("duplicate");
      expect(await recordEvent(db, events.started(trial))).toBe("duplicate");
      expect(await epochRows(trial.id)).toEqual([{ epoch: 1, val_loss: 0.5, attempt: 1 }]);
    });

    it("rejects an event of an older attempt than the trial's", async () => {
      const { trials } = await launch(1);
      const trial = trials[0];
      await recordEvent(db, events.started(trial, 2));
      expect(await recordEvent(db, events.epoch(trial, 1, 0.5, 1))).toBe("stale");
      expect(await recordEvent(db, events.completed(trial, 1))).toBe("stale");
      expect(await epochRows(trial.id)).toEqual([]);
      expect(await trialRow(trial.id)).toMatchObject({ status: "running", attempt: 2 });
      expect(await recordEvent(db, { ...events.epoch(trial, 1, 0.5), trialId: "nope" })).toBe("unknown-trial");
    });

    it("never modifies a terminal trial", async () => {
      const { trials } = await launch(1);
      const trial = trials[0];
      await recordEvents(db, [events.started(trial), events.epoch(trial, 1, 0.5), events.completed(trial)]);
      const before = await trialRow(trial.id);
      expect(before).toMatchObject({ status: "completed", test_loss: 0.03, test_accuracy: 0.99, duration_ms: 1234 });
      expect(await recordEvent(db, events.epoch(trial, 2, 0.1, 3))).toBe("duplicate");
      expect(await recordEvent(db, events.started(trial, 3))).toBe("duplicate");
      expect(await recordEvent(db, events.failed(trial, false, 3))).toBe("duplicate");
      expect(await trialRow(trial.id)).toEqual(before);
      expect(await epochRows(trial.id)).toHaveLength(1);
    });

    it("records the weights a finished trial kept, and none from a duplicate or stale outcome", async () => {
      const { sweepId, trials } = await launch(2);
      const [first, second] = trials;
      const kept = [
        { kind: "best" as const, epoch: 1, size: 4096, stored: true },
        { kind: "last" as const, epoch: 2, size: 4096, stored: false, note: "not stored: disk full" },
      ];
      await recordEvents(db, [
        events.started(first),
        events.epoch(first, 1, 0.5),
        events.epoch(first, 2, 0.6),
        { ...events.completed(first), kept, test_weights: "best", test_epoch: 1 },
        events.started(second),
        { ...events.pruned(second, 1, "overfit"), kept: [{ kind: "best", epoch: 1, size: 2048, stored: true }] },
      ]);
      expect(await recordEvent(db, { ...events.completed(first, 2), kept: [{ ...kept[0], epoch: 2 }] })).toBe(
        "duplicate",
      );
      expect(await trialKeptWeights(db, first.id)).toEqual([
        { trial_id: first.id, kind: "best", epoch: 1, size_bytes: 4096, stored: true, note: null },
        { trial_id: first.id, kind: "last", epoch: 2, size_bytes: 4096, stored: false, note: "not stored: disk full" },
      ]);
      const ranking = await trialRanking(db, sweepId);
      expect(ranking.map((row) => [row.trial_id, row.test_weights, row.test_epoch])).toEqual([
        [first.id, "best", 1],
        [second.id, null, null],
      ]);
      expect((await sweepKeptWeights(db, sweepId)).map((row) => [row.trial_id, row.kind])).toEqual([
        [first.id, "best"],
        [first.id, "last"],
        [second.id, "best"],
      ]);
    });

    it("keeps an epoch row of the finishing attempt that arrives after the outcome (a recorder died holding it)", async () => {
      const { trials } = await launch(1);
      const trial = trials[0];
      await recordEvents(db, [events.started(trial), events.epoch(trial, 1, 0.5), events.completed(trial)]);
      const before = await trialRow(trial.id);
      expect(await recordEvent(db, events.epoch(trial, 2, 0.4))).toBe("applied");
      expect(await recordEvent(db, events.epoch(trial, 2, 0.4))).toBe("duplicate");
      expect(await epochRows(trial.id)).toHaveLength(2);
      expect(await trialRow(trial.id)).toMatchObject({ status: "completed", attempt: 1, test_loss: before.test_loss });
    });

    it("lets a newer attempt overwrite an older attempt's epoch row, never the reverse", async () => {
      const { trials } = await launch(1);
      const trial = trials[0];
      await recordEvents(db, [events.started(trial), events.epoch(trial, 1, 0.5), events.epoch(trial, 2, 0.4)]);
      expect(await recordEvent(db, events.epoch(trial, 1, 0.45, 2))).toBe("applied");
      expect(await recordEvent(db, events.epoch(trial, 2, 0.9, 1))).toBe("stale");
      expect(await epochRows(trial.id)).toEqual([
        { epoch: 1, val_loss: 0.45, attempt: 2 },
        { epoch: 2, val_loss: 0.4, attempt: 1 },
      ]);
    });

    it("drops an older attempt's epochs after the epoch a resumed attempt restarts from", async () => {
      const { trials } = await launch(1);
      const trial = trials[0];
      await recordEvents(db, [events.started(trial), ...[0.5, 0.3, 0.2].map((v, i) => events.epoch(trial, i + 1, v))]);
      expect(await recordEvent(db, events.started(trial, 2, 1))).toBe("applied");
      expect(await epochRows(trial.id)).toEqual([{ epoch: 1, val_loss: 0.5, attempt: 1 }]);
      expect(await trialRow(trial.id)).toMatchObject({ best_epoch: 1, best_val_loss: 0.5, attempt: 2 });
    });

    it("maintains the best epoch and the first overfitting epoch", async () => {
      const series = [0.5, 0.4, 0.3, 0.35, 0.4, 0.45];
      const { trials } = await launch(2, { type: "overfit", patience: 4, min_delta: 0 });
      const { trials: defaults } = await launch(1);
      for (const trial of [trials[0], defaults[0]]) {
        await recordEvents(db, [
          events.started(trial),
          ...series.slice(0, 3).map((v, i) => events.epoch(trial, i + 1, v)),
        ]);
        expect(await trialRow(trial.id)).toMatchObject({ best_epoch: 3, best_val_loss: 0.3, overfit_epoch: null });
        await recordEvents(
          db,
          series.slice(3).map((v, i) => events.epoch(trial, i + 4, v)),
        );
      }
      // Patience 4 needs four epochs above the best; the default rule (patience 2) needs two.
      expect(await trialRow(trials[0].id)).toMatchObject({ best_epoch: 3, overfit_epoch: null });
      expect(await trialRow(defaults[0].id)).toMatchObject({ best_epoch: 3, overfit_epoch: 4 });
    });

    it("stores a NaN metric (null after JSON) as NaN and never picks it as best", async () => {
      const { trials } = await launch(1);
      const trial = trials[0];
      const outcomes = await recordEvents(db, [events.epoch(trial, 1, 0.5), events.epoch(trial, 2, Number.NaN)]);
      expect(outcomes).toEqual(["applied", "applied"]);
      const rows = await epochRows(trial.id);
      expect(rows.map((row) => Number(row.val_loss))).toEqual([0.5, Number.NaN]);
      expect(await trialRow(trial.id)).toMatchObject({ status: "running", best_epoch: 1, best_val_loss: 0.5 });
    });

    it("moves the sweep from queued to running to completed with its trials", async () => {
      const { sweepId, trials } = await launch(2);
      expect(await sweepRow(sweepId)).toMatchObject({ status: "queued", finished_at: null });
      await recordEvent(db, events.started(trials[0]));
      expect(await sweepRow(sweepId)).toMatchObject({ status: "running" });
      await recordEvent(db, events.started(trials[1]));
      await recordEvent(db, events.completed(trials[0]));
      await recordEvent(db, events.failed(trials[1], true));
      expect(await trialRow(trials[1].id)).toMatchObject({ status: "running", error: "NaN loss" });
      expect((await sweepRow(sweepId)).status).toBe("running");
      await recordEvent(db, events.failed(trials[1], false));
      const done = await sweepRow(sweepId);
      expect(done.status).toBe("completed");
      expect(done.finished_at).toBeInstanceOf(Date);
    });

    it("requeues failed trials for a retry, restarting attempt numbering", async () => {
      const { sweepId, trials } = await launch(2);
      await recordEvents(db, [
        events.started(trials[0], 3),
        events.epoch(trials[0], 1, 0.5, 3),
        events.failed(trials[0], false, 3),
        events.started(trials[1]),
        events.completed(trials[1]),
      ]);
      expect((await sweepRow(sweepId)).status).toBe("completed");
      expect(await requeueTrials(db, sweepId, ["failed", "completed"])).toEqual([trials[0].id]);
      expect(await trialRow(trials[0].id)).toMatchObject({
        status: "queued",
        attempt: 0,
        error: null,
        finished_at: null,
      });
      expect(await trialRow(trials[1].id)).toMatchObject({ status: "completed" });
      expect(await sweepRow(sweepId)).toMatchObject({ status: "running", finished_at: null });
      expect(await recordEvent(db, events.started(trials[0], 1, 1))).toBe("applied");
      expect(await recordEvent(db, events.epoch(trials[0], 2, 0.4, 1))).toBe("applied");
      expect(await epochRows(trials[0].id)).toEqual([
        { epoch: 1, val_loss: 0.5, attempt: 0 },
        { epoch: 2, val_loss: 0.4, attempt: 1 },
      ]);
    });

    it("keeps the first decision at a rung and lists prunes not yet carried out", async () => {
      const { sweepId, trials } = await launch(3);
      await recordEvents(db, [events.started(trials[0]), events.started(trials[1])]);
      const prune = { trialId: trials[0].id, epoch: 2, rung: 1, action: "prune" as const, reason: "rung 1" };
      const first = await db.transaction(async (tx) => {
        await lockSweepDecisions(tx, [sweepId, sweepId]);
        return recordRungDecision(tx, prune);
      });
      const again = await recordRungDecision(db, { ...prune, action: "continue", reason: null });
      expect(again).toEqual(first);
      expect(first).toMatchObject({ action: "prune", reason: "rung 1", rung: 1 });
      // A later rung of the pruned trial decides nothing more.
      const later = { ...prune, epoch: 6, rung: 2, reason: "rung 2" };
      expect(await recordRungDecision(db, later)).toEqual(first);
      await recordRungDecision(db, { trialId: trials[1].id, epoch: 2, rung: 1, action: "continue", reason: null });
      expect(await pendingPrunes(db, sweepId)).toEqual([
        { sweepId, trialId: trials[0].id, epoch: 2, reason: "rung 1" },
      ]);
      expect((await pendingPrunes(db)).map((row) => row.trialId)).toContain(trials[0].id);
      await recordEvent(db, events.pruned(trials[0], 2, "rung 1"));
      expect(await pendingPrunes(db, sweepId)).toEqual([]);
      expect((await sweepRungDecisions(db, sweepId)).map((row) => [row.trialId, row.action])).toEqual([
        [trials[0].id, "prune"],
        [trials[1].id, "continue"],
      ]);
    });

    it("stores no second prune when a later rung pruned the trial before an earlier rung's epoch came", async () => {
      // Epoch 1 was held by a recorder that died: it comes back after the ack wait, once
      // epoch 3 was recorded and decided.
      const { sweepId, trials } = await launch(2);
      await recordEvents(db, [events.started(trials[0]), events.started(trials[1])]);
      const atRung2 = { trialId: trials[0].id, epoch: 3, rung: 2, action: "prune" as const, reason: "rung 2" };
      const pruned = await recordRungDecision(db, atRung2);
      expect(await recordRungDecision(db, { ...atRung2, epoch: 1, rung: 1, reason: "rung 1" })).toEqual(pruned);
      // A late continue is still its rung's decision.
      await recordRungDecision(db, { ...atRung2, trialId: trials[1].id });
      const late = await recordRungDecision(db, {
        trialId: trials[1].id,
        epoch: 1,
        rung: 1,
        action: "continue",
        reason: null,
      });
      expect(late).toMatchObject({ epoch: 1, action: "continue" });
      expect((await sweepRungDecisions(db, sweepId)).map((row) => [row.trialId, row.epoch, row.action])).toEqual([
        [trials[0].id, 3, "prune"],
        [trials[1].id, 1, "continue"],
        [trials[1].id, 3, "prune"],
      ]);
      expect(await pendingPrunes(db, sweepId)).toHaveLength(2);
    });

    it("cancels queued trials at once and running ones on their worker's event", async () => {
      const { sweepId, trials } = await launch(3);
      await recordEvent(db, events.started(trials[0]));
      const result = await markSweepCancelled(db, sweepId);
      expect(result).toEqual({ cancelled: [trials[1].id, trials[2].id], running: [trials[0].id] });
      expect(await sweepRow(sweepId)).toMatchObject({ status: "cancelled", finished_at: null });
      expect(await recordEvent(db, events.started(trials[1]))).toBe("duplicate");
      expect(await recordEvent(db, events.cancelled(trials[0]))).toBe("applied");
      const sweep = await sweepRow(sweepId);
      expect(sweep.status).toBe("cancelled");
      expect(sweep.finished_at).toBeInstanceOf(Date);
    });

    it("ranks trials by best val_loss in trial_ranking and flags epochs in epoch_curves", async () => {
      const { sweepId, trials } = await launch(3);
      const curves = [[0.5, 0.4], [0.3, 0.2, 0.25], []];
      await recordEvents(
        db,
        trials.flatMap((trial, t) => [
          events.started(trial),
          ...curves[t].map((v, i) => events.epoch(trial, i + 1, v)),
        ]),
      );
      const ranking = await trialRanking(db, sweepId);
      expect(ranking.map((row) => [row.rank, row.trial_name, row.best_val_loss, row.best_epoch])).toEqual([
        [1, "variant-2", 0.2, 2],
        [2, "variant-1", 0.4, 2],
        [null, "variant-3", null, null],
      ]);
      expect(ranking[0]).toMatchObject({ last_epoch: 3, last_val_loss: 0.25, val_accuracy_at_best: 0.98 });
      expect(ranking[0]).toMatchObject({ params: { "model.pool.size": 3 }, param_count: 7850, backend: "cpu" });
      const points = await epochCurves(db, sweepId);
      expect(points).toHaveLength(5);
      expect(points.filter((p) => p.is_best).map((p) => [p.trial_name, p.epoch])).toEqual([
        ["variant-1", 2],
        ["variant-2", 2],
      ]);
    });

    it("ranks by the sweep's metric and goal: val_accuracy maximized orders unlike val_loss", async () => {
      const { sweepId, trials } = await launch(3, undefined, { metric: { name: "val_accuracy", goal: "maximize" } });
      // [val_loss, val_accuracy] per epoch: trial 1 has the lowest val_loss, trial 3 the highest accuracy.
      const curves = [
        [[0.1, 0.9]],
        [
          [0.3, 0.92],
          [0.2, 0.95],
        ],
        [[0.5, 0.97]],
      ];
      await recordEvents(
        db,
        trials.flatMap((trial, t) => [
          events.started(trial),
          ...(curves[t] ?? []).map(([valLoss, valAccuracy], i): TrialEvent => {
            const event = events.epoch(trial, i + 1, valLoss as number) as Extract<TrialEvent, { type: "epoch" }>;
            return { ...event, metrics: { ...event.metrics, val_accuracy: valAccuracy as number } };
          }),
        ]),
      );
      const ranking = await trialRanking(db, sweepId);
      expect(ranking.map((row) => [row.rank, row.trial_name, row.metric_value, row.best_val_loss])).toEqual([
        [1, "variant-3", 0.97, 0.5],
        [2, "variant-2", 0.95, 0.2],
        [3, "variant-1", 0.9, 0.1],
      ]);
      expect(ranking[0]).toMatchObject({ metric_name: "val_accuracy", metric_goal: "maximize" });
      const defaults = await launch(2);
      await recordEvents(db, [events.epoch(defaults.trials[0] as TrialSpec, 1, 0.4)]);
      expect((await trialRanking(db, defaults.sweepId))[0]).toMatchObject({
        rank: 1,
        metric_name: "val_loss",
        metric_goal: "minimize",
        metric_value: 0.4,
      });
    });

    it("answers a statement with its column names, even when no row comes back", async () => {
      const { sweepId } = await launch(1);
      const result = await db.queryWithColumns(`SELECT id, status FROM sweeps WHERE id = '${sweepId}'`);
      expect(result).toEqual({ columns: ["id", "status"], rows: [[sweepId, "queued"]] });
      const none = await db.queryWithColumns("SELECT id, status FROM sweeps WHERE false");
      expect(none).toEqual({ columns: ["id", "status"], rows: [] });
    });

    it("keeps each column's own value when two columns share a name", async () => {
      const result = await db.queryWithColumns("SELECT 1 AS a, 2 AS a, 3");
      expect(result).toEqual({ columns: ["a", "a", "?column?"], rows: [[1, 2, 3]] });
    });

    it("finds a sweep by id, id prefix or name, and names the argument when it cannot", async () => {
      const { sweepId } = await launch(1);
      expect((await getSweep(db, sweepId)).id).toBe(sweepId);
      expect((await getSweep(db, sweepId.slice(0, -1))).id).toBe(sweepId);
      expect((await getSweep(db, `sweep ${sweepId}`)).id).toBe(sweepId);
      const missing = await getSweep(db, "no-such-sweep").catch((error: unknown) => error);
      expect(isUsageError(missing)).toBe(true);
      expect((missing as Error).message).toMatch(/^<sweep>: no sweep has the id or name "no-such-sweep"/);
      await expect(getSweep(db, "s")).rejects.toThrow(/<sweep>: "s" is the start of several sweep ids/);
      for (const blank of ["", " "]) {
        await expect(getSweep(db, blank)).rejects.toThrow(
          `<sweep>: must be a sweep id, a unique start of one, or a name, got ${JSON.stringify(blank)}`,
        );
      }
      const listed = (await listSweeps(db)).find((sweep) => sweep.id === sweepId);
      expect(listed).toMatchObject({ trials: 1, queued: 1, running: 0, best_trial: null });
    });

    it("counts a sweep's trials by status and names the workers that ran them with their threads", async () => {
      const { sweepId, trials } = await launch(3);
      const worker = `w-${newSweepId()}`;
      const started = (trial: (typeof trials)[number]) => ({ ...events.started(trial), worker });
      await recordEvents(db, [started(trials[0]), events.epoch(trials[0], 1, 0.2), events.completed(trials[0])]);
      await recordEvents(db, [started(trials[1])]);
      expect(await trialStatusCounts(db, sweepId)).toEqual([
        { status: "completed", trials: 1 },
        { status: "queued", trials: 1 },
        { status: "running", trials: 1 },
      ]);
      expect(await sweepWorkers(db, sweepId)).toEqual([
        { worker, host: null, threads: null, backend: null, trials: 2 },
      ]);
      const beat = { id: worker, host: "h", pid: 1, threads: 4, backend: "wasm", trials: [], images_per_s: 1 };
      await recordHeartbeat(db, { ...beat, at: new Date().toISOString(), status: "running" });
      expect(await sweepWorkers(db, sweepId)).toEqual([{ worker, host: "h", threads: 4, backend: "wasm", trials: 2 }]);
    });

    it("keeps each worker's latest heartbeat and marks silent workers stale", async () => {
      const id = `w-${newSweepId()}`;
      const beat = { id, host: "h", pid: 1, threads: 2, backend: "cpu", trials: ["t"], images_per_s: 10 };
      const at = new Date("2026-01-01T00:00:10Z");
      await recordHeartbeat(db, { ...beat, at: at.toISOString(), status: "running" });
      await recordHeartbeat(db, { ...beat, at: "2026-01-01T00:00:00Z", status: "stopped" });
      const fresh = (await listWorkers(db, new Date(at.getTime() + 1000))).find((worker) => worker.id === id);
      expect(fresh).toMatchObject({ status: "running", trials: ["t"], stale: false });
      const later = (await listWorkers(db, new Date(at.getTime() + 7000))).find((worker) => worker.id === id);
      expect(later?.stale).toBe(true);
    });
  });
}
