import { readFileSync } from "node:fs";
import path from "node:path";
import { seededRandom, type TrialEvent, type TrialSpec } from "@sweep/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createSweep,
  MIGRATIONS_FOLDER,
  RANKING_ORDERS,
  recordEvents,
  requeueTrials,
  SqlStatement,
  type SweepDatabase,
  sql,
  sweepChanges,
  type TrialRankingRow,
  trialRankingPage,
} from "../src/index.js";
import { events, metrics, newSweepId, trialSpecs } from "./fixtures/sweeps.js";
import type { DatabaseFactory } from "./helpers.js";

/**
 * `trial_ranking` as migration 0006 computed it on every read (from the epoch rows; 0003's
 * columns and which weights the test figures are of), taken from the shipped file: the
 * reference the summary-backed view must equal.
 */
function rankingOf0006(): string {
  const text = readFileSync(path.join(MIGRATIONS_FOLDER, "0006_test_weights.sql"), "utf8");
  const body = text.slice(text.indexOf('CREATE OR REPLACE VIEW "trial_ranking" AS') + 41).trim();
  return body.replace(/;$/, "");
}

/** Epoch values drawn from few numbers (ties), with NaN now and then. */
function drawValue(random: () => number): number {
  if (random() < 0.08) return Number.NaN;
  return [0.1, 0.2, 0.2, 0.3, 0.5][Math.floor(random() * 5)] as number;
}

/** A sweep's trials with random curves and every kind of ending, recorded in random batches. */
function randomEvents(trials: readonly TrialSpec[], seed: number): TrialEvent[] {
  const random = seededRandom(seed);
  return trials.flatMap((trial): TrialEvent[] => {
    const ending = Math.floor(random() * 6);
    if (ending === 0) return [];
    const count = 1 + Math.floor(random() * 6);
    const epochs = Array.from({ length: count }, (_, i): TrialEvent => {
      const event = events.epoch(trial, i + 1, drawValue(random)) as Extract<TrialEvent, { type: "epoch" }>;
      const m = metrics(i + 1, event.metrics.val_loss, drawValue(random));
      return { ...event, metrics: { ...m, val_accuracy: drawValue(random), accuracy: drawValue(random) } };
    });
    const last: TrialEvent[] =
      ending === 1
        ? []
        : ending === 2
          ? [events.pruned(trial, count, "overfit")]
          : ending === 3
            ? [events.failed(trial, false)]
            : [
                {
                  ...(events.completed(trial) as Extract<TrialEvent, { type: "completed" }>),
                  test_accuracy: drawValue(random),
                  test_loss: drawValue(random),
                },
              ];
    return [events.started(trial), ...epochs, ...last];
  });
}

/** The summary-backed `trial_ranking` against migration 0006's computation, on every implementation. */
export function describeRankingContract(label: string, makeFactory: () => DatabaseFactory): void {
  // PGlite has one session, this test's: no other transaction holds a snapshot back.
  const alone = label.startsWith("PGlite");
  describe(`trial_ranking from trial summaries: ${label}`, () => {
    const factory = makeFactory();
    let db: SweepDatabase;
    beforeAll(async () => {
      db = await factory.open();
    });
    afterAll(() => factory.dispose());

    const metricsToRank = [
      { name: "val_loss", goal: "minimize" },
      { name: "val_loss", goal: "maximize" },
      { name: "val_accuracy", goal: "maximize" },
      { name: "loss", goal: "minimize" },
      { name: "test_accuracy", goal: "maximize" },
      { name: "test_loss", goal: "minimize" },
    ];
    for (const [index, metric] of metricsToRank.entries()) {
      it(`equals the computation over epoch rows: ${metric.name} ${metric.goal}, random curves, ties, NaN, pruned`, async () => {
        const sweepId = newSweepId();
        const trials = trialSpecs(sweepId, 40);
        await createSweep(
          db,
          { id: sweepId, name: sweepId, config: { method: "list", metric }, configHash: "h" },
          trials,
        );
        const all = randomEvents(trials, 17 + index);
        const random = seededRandom(99 + index);
        for (let start = 0; start < all.length; ) {
          const size = 1 + Math.floor(random() * 30);
          await recordEvents(db, all.slice(start, start + size));
          start += size;
        }
        // A retry clears failed trials' outcome; a resumed attempt drops rows after its resume epoch.
        const retried = await requeueTrials(db, sweepId, ["failed"]);
        const resumed = trials.find((t) => retried.includes(t.id));
        if (resumed) await recordEvents(db, [events.started(resumed, 1, 1), events.epoch(resumed, 2, 0.05)]);

        const columns = sql`SELECT * FROM trial_ranking WHERE sweep_id = ${sweepId} ORDER BY trial_id`;
        const now = await db.query(columns);
        const reference = new SqlStatement(rankingOf0006(), []);
        const before = await db.query(
          sql`SELECT * FROM (${reference}) r WHERE sweep_id = ${sweepId} ORDER BY trial_id`,
        );
        expect(now).toHaveLength(40);
        const ranks = now.flatMap((row) => (row.rank === null ? [] : [row.rank]));
        expect(ranks.length).toBeGreaterThan(10);
        expect(new Set(ranks).size).toBeLessThan(ranks.length);
        expect(now.filter((row) => row.status === "pruned").length).toBeGreaterThan(0);
        expect(now).toEqual(before);
      });
    }

    it("pages the ranking in each order with the view's values, and counts the rank over the whole sweep", async () => {
      const sweepId = newSweepId();
      const trials = trialSpecs(sweepId, 30);
      await createSweep(db, { id: sweepId, name: sweepId, config: { method: "list" }, configHash: "h" }, trials);
      await recordEvents(db, randomEvents(trials, 5));
      const view = await db.query<TrialRankingRow>(sql`SELECT * FROM trial_ranking WHERE sweep_id = ${sweepId}`);
      const byId = new Map(view.map((row) => [row.trial_id, row]));
      for (const order of RANKING_ORDERS) {
        for (const status of [undefined, "completed"] as const) {
          const all = await trialRankingPage(db, sweepId, { order, status, limit: 100 });
          const paged = [
            ...(await trialRankingPage(db, sweepId, { order, status, limit: 7 })),
            ...(await trialRankingPage(db, sweepId, { order, status, offset: 7, limit: 100 })),
          ];
          expect(paged.map((row) => row.trial_id)).toEqual(all.map((row) => row.trial_id));
          expect(all.length).toBe(view.filter((row) => status === undefined || row.status === status).length);
          for (const row of all) expect(byId.get(row.trial_id)).toEqual(pick(row, Object.keys(view[0] ?? {})));
        }
      }
      const ranked = await trialRankingPage(db, sweepId, { limit: 100 });
      const ranks = ranked.map((row) => row.rank ?? Number.POSITIVE_INFINITY);
      expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
      const byEpochs = await trialRankingPage(db, sweepId, { order: "epochs_done", limit: 100 });
      const done = byEpochs.map((row) => row.epochs_done);
      expect(done).toEqual([...done].sort((a, b) => b - a));
    });

    it("reads only the trials written since the last read's snapshot", async () => {
      const sweepId = newSweepId();
      const trials = trialSpecs(sweepId, 5);
      await createSweep(db, { id: sweepId, name: sweepId, config: { method: "list" }, configHash: "h" }, trials);
      const first = await sweepChanges(db, sweepId);
      expect(first.trials).toHaveLength(5);
      const [one, two] = trials as [TrialSpec, TrialSpec];
      await recordEvents(db, [events.started(one), events.epoch(one, 1, 0.4)]);
      const second = await sweepChanges(db, sweepId, first.since);
      const written = { id: one.id, status: "running", epochs_done: 1, epochs_planned: 6, mean_epoch_ms: 100 };
      await recordEvents(db, [events.started(two)]);
      const third = await sweepChanges(db, sweepId, second.since);
      if (alone) {
        expect(second.trials).toEqual([written]);
        expect(third.trials.map((row) => row.id)).toEqual([two.id]);
      } else {
        // A shared server's other sessions hold its snapshots' xmin back: a read may repeat
        // trials written before it (harmless, the reader keeps the latest row), never miss one.
        expect(second.trials).toContainEqual(written);
        expect(third.trials.map((row) => row.id)).toContain(two.id);
      }
    });
  });
}

function pick(row: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((key) => [key, row[key]]));
}
