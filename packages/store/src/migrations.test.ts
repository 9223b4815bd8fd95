import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { getTableConfig, type PgTable } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SweepDatabase } from "./database.js";
import { openDatabase } from "./open.js";
import * as dbSchema from "./schema.js";
import { sql } from "./sql.js";

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
