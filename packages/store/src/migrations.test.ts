import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { getTableConfig, type PgTable } from "drizzle-orm/pg-core";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newSweepId, trialSpecs } from "../test/fixtures/sweeps.js";
import type { Queryable, SweepDatabase } from "./database.js";
import { upsertEpochs } from "./epochs.js";
import { MIGRATIONS_FOLDER } from "./migrations.js";
import { openDatabase } from "./open.js";
import { writeTrials } from "./record-events.js";
import * as dbSchema from "./schema.js";
import { sql } from "./sql.js";
import { insertSweep, insertTrials } from "./sweeps.js";

/** Catches a change to the schema without `npm run db:generate -w packages/store`. */
describe("the shipped migrations", () => {
  let dir: string;
  let db: SweepDatabase;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "sweep-migrations-"));
    db = await openDatabase({ embeddedDir: dir });
  });
  afterAll(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  const tables: PgTable[] = [
    dbSchema.sweeps,
    dbSchema.trials,
    dbSchema.epochs,
    dbSchema.workers,
    dbSchema.rungDecisions,
  ];
  for (const table of tables) {
    const config = getTableConfig(table);
    it(`create ${config.name} with exactly the schema's columns`, async () => {
      const columns = await db.query<{
        column_name: string;
        is_nullable: string;
        data_type: string;
      }>(sql`SELECT column_name, is_nullable, data_type FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name = ${config.name}`);
      const expected = config.columns
        .map((column) => ({ column_name: column.name, is_nullable: column.notNull ? "NO" : "YES" }))
        .sort((a, b) => a.column_name.localeCompare(b.column_name));
      const actual = columns
        .map(({ column_name, is_nullable }) => ({ column_name, is_nullable }))
        .sort((a, b) => a.column_name.localeCompare(b.column_name));
      expect(actual).toEqual(expected);
    });
  }

  it("create the views", async () => {
    const views = await db.query(
      sql`SELECT table_name FROM information_schema.views WHERE table_schema = 'public' ORDER BY 1`,
    );
    expect(views).toEqual([{ table_name: "epoch_curves" }, { table_name: "trial_ranking" }]);
  });
});

describe("migrations 0007 and 0008 on a store that has trials", () => {
  /** A copy of the shipped migrations up to `tag`, as a migrations folder. */
  async function migrationsUpTo(dir: string, tag: string): Promise<string> {
    const journal = JSON.parse(await readFile(path.join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as {
      entries: { tag: string }[];
    };
    const entries = journal.entries.slice(0, journal.entries.findIndex((entry) => entry.tag === tag) + 1);
    await mkdir(path.join(dir, "meta"), { recursive: true });
    await writeFile(path.join(dir, "meta", "_journal.json"), JSON.stringify({ ...journal, entries }));
    for (const { tag: file } of entries)
      await copyFile(path.join(MIGRATIONS_FOLDER, `${file}.sql`), path.join(dir, `${file}.sql`));
    return dir;
  }

  it("backfills the summaries: trial_ranking gives what it gave before the migration", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "sweep-backfill-"));
    const client = new PGlite();
    try {
      const db: Queryable = {
        query: async (statement) => (await client.query(statement.text, [...statement.values])).rows as never,
      };
      await migrate(drizzle({ client }), { migrationsFolder: await migrationsUpTo(dir, "0006_test_weights") });
      const sweepId = newSweepId();
      const trials = trialSpecs(sweepId, 6);
      await insertSweep(db, {
        id: sweepId,
        name: sweepId,
        config: { metric: { name: "val_accuracy", goal: "maximize" } },
        configHash: "h",
      });
      await insertTrials(db, trials);
      const curves = [[0.5, 0.3, 0.4], [0.3, 0.3], [Number.NaN, 0.2], [0.6], [], [0.3, 0.35]];
      await upsertEpochs(
        db,
        trials.flatMap((trial, t) =>
          (curves[t] ?? []).map((v, i) => ({
            trial_id: trial.id,
            epoch: i + 1,
            loss: 1,
            accuracy: 0.9,
            val_loss: v,
            val_accuracy: 1 - v,
            duration_ms: 100 * (i + 1),
            images_per_s: 1,
            attempt: 1,
          })),
        ),
      );
      await writeTrials(
        db,
        trials.map((trial, t) => ({
          id: trial.id,
          status: t === 4 ? "queued" : "completed",
          attempt: 1,
          worker: null,
          backend: null,
          paramCount: null,
          bestValLoss: t === 4 ? null : 0.3,
          bestEpoch: t === 4 ? null : 1,
          overfitEpoch: null,
          testLoss: null,
          testAccuracy: null,
          testWeights: null,
          testEpoch: null,
          error: null,
          startedAt: null,
          finishedAt: null,
          durationMs: null,
        })),
      );
      const ranking = sql`SELECT * FROM trial_ranking WHERE sweep_id = ${sweepId} ORDER BY trial_id`;
      const before = await db.query(ranking);
      await migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
      const after = await db.query(ranking);
      expect(after).toEqual(before);
      // val_accuracy maximized: three trials tie at 0.7; a NaN epoch makes the max NaN (above every number in
      // Postgres, negated still last); the trial without epochs is unranked.
      expect(after.map((row) => row.rank)).toEqual([1, 1, 5, 4, null, 1]);
      const [summary] = await db.query(sql`SELECT epochs_done, mean_epoch_ms FROM trials WHERE id = ${trials[0]?.id}`);
      expect(summary).toEqual({ epochs_done: 3, mean_epoch_ms: 200 });
    } finally {
      await client.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
