import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ADMIN_URL, testDatabaseUrl } from "@sweep/store/testing";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { seedCliSweep as seed, sweep } from "../../test/cli.js";

/** `SELECT 1 AS a, 2 AS a, 3` in every format: positional in table and csv, suffixed keys in json (docs/sql.md). */
async function expectDuplicateColumns(...db: string[]): Promise<void> {
  const query = "SELECT 1 AS a, 2 AS a, 3";
  expect((await sweep("sql", query, ...db)).out).toBe("a  a  ?column?\n-  -  --------\n1  2         3\n");
  expect((await sweep("sql", query, "--format", "csv", ...db)).out).toBe("a,a,?column?\n1,2,3\n");
  const json = await sweep("sql", query, "--format", "json", ...db);
  expect(JSON.parse(json.out)).toEqual([{ a: 1, a_2: 2, "?column?": 3 }]);
  const counts = "SELECT count(*)::int, count(*) FILTER (WHERE status = 'completed')::int FROM trials";
  expect((await sweep("sql", counts, "--format", "csv", ...db)).out).toBe("count,count\n2,1\n");
}

describe("query commands on the embedded store", () => {
  let dir: string;
  let db: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "sweep-cli-"));
    db = path.join(dir, "store");
    await seed({ embeddedDir: db });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("lists sweeps with progress and the best val_loss", async () => {
    const { code, out } = await sweep("ls", "--db", db);
    expect(code).toBe(0);
    expect(out.split("\n")[0]).toMatch(
      /^id\s+name\s+status\s+trials\s+finished\s+running\s+best_trial\s+best_val_loss/,
    );
    expect(out).toMatch(/cli-sweep\s+mnist\s+running\s+2\s+1\s+1\s+model-b\s+0\.2000/);
  });

  it("summarises a sweep and marks a worker silent for over three heartbeats as stale", async () => {
    const { code, out } = await sweep("status", "--db", db);
    expect(code).toBe(0);
    expect(out).toContain("sweep mnist (cli-sweep): running");
    expect(out).toContain("1/2 trials finished (50%), 7/12 epochs recorded");
    expect(out).toContain("model-b: val_loss 0.2000 @ epoch 2, overfits from epoch 3");
    expect(out).toMatch(/fresh-worker .* running {2}/);
    expect(out).toMatch(/silent-worker .* running \(STALE\)/);
  });

  it("prints the ranking as a table and as csv", async () => {
    const table = await sweep("results", "cli", "--db", db);
    expect(table.out).toMatch(/1\s+model-b\s+completed\s+0\.2000 @ 2\s+3\s+5\/6/);
    expect(table.out).toMatch(/2\s+model-a\s+running\s+0\.4000 @ 2\s+none\s+2\/6/);
    const csv = await sweep("results", "cli-sweep", "--format", "csv", "--db", db);
    const [header, first] = csv.out.split("\n");
    expect(header?.split(",").slice(0, 7)).toEqual([
      "rank",
      "trial_id",
      "trial_name",
      "status",
      "best_val_loss",
      "best_epoch",
      "overfit_epoch",
    ]);
    expect(first?.split(",").slice(0, 7)).toEqual(["1", "cli-sweep-t001", "model-b", "completed", "0.2", "2", "3"]);
  });

  it("answers read-only SQL in json and refuses a write with one line and exit code 2", async () => {
    const query = "SELECT trial_name, overfit_epoch FROM trial_ranking ORDER BY rank";
    const json = await sweep("sql", query, "--format", "json", "--db", db);
    expect(JSON.parse(json.out)).toEqual([
      { trial_name: "model-b", overfit_epoch: 3 },
      { trial_name: "model-a", overfit_epoch: null },
    ]);
    const write = await sweep("sql", "UPDATE trials SET status = 'failed'", "--db", db);
    expect(write.code).toBe(2);
    expect(write.err).toBe(
      "sweep: <query>: sweep sql refused the statement: only a reading statement (SELECT, VALUES, TABLE, WITH … SELECT, EXPLAIN) runs, got UPDATE\n",
    );
    const bad = await sweep("results", "cli-sweep", "--format", "xml", "--db", db);
    expect(bad).toMatchObject({ code: 2, err: 'sweep: --format: must be one of table, csv, json; got "xml"\n' });
  });

  it("prints every column's own value when two share a name", async () => {
    await expectDuplicateColumns("--db", db);
  });

  it("refuses an empty or blank sweep reference in every command taking one, exit 2", async () => {
    const commands = ["results", "status", "plot", "report", "dashboard", "cancel", "resume", "retry"];
    for (const command of commands) {
      for (const ref of ["", "  "]) {
        const run = await sweep(command, ref, "--db", db);
        expect(run, `${command} ${JSON.stringify(ref)}`).toMatchObject({
          code: 2,
          out: "",
          err: `sweep: <sweep>: must be a sweep id, a unique start of one, or a name, got ${JSON.stringify(ref)}\n`,
        });
      }
    }
  });

  it("migrates on request and names the store", async () => {
    const { code, out } = await sweep("db", "migrate", "--db", db);
    expect(code).toBe(0);
    expect(out).toBe(`embedded store ${db}: schema up to date (7 migrations, latest 0006_test_weights)\n`);
  });

  it("refuses to read an embedded store that does not exist, and leaves none behind", async () => {
    const missing = path.join(path.dirname(db), "nothing-ran-here");
    for (const args of [["ls"], ["status"], ["results", "cli-sweep"], ["sql", "SELECT 1"], ["plot", "cli-sweep"]]) {
      const result = await sweep(...args, "--db", missing);
      expect(result).toMatchObject({ code: 2, out: "" });
      expect(result.err).toBe(
        `sweep: no sweep database at ${missing}: \`sweep run <config>\` creates one there, or name another with --db or DATABASE_URL\n`,
      );
    }
    expect(existsSync(missing)).toBe(false);
  });
});

describe("query commands on a server database", () => {
  const name = `sweep_test_${randomBytes(6).toString("hex")}`;
  const url = testDatabaseUrl(name);
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  beforeAll(async () => {
    await admin.unsafe(`CREATE DATABASE ${name}`);
    await seed({ url });
  });
  afterAll(async () => {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it("reads DATABASE_URL, answers SQL and refuses writes", async () => {
    vi.stubEnv("DATABASE_URL", url);
    try {
      const read = await sweep("sql", "SELECT count(*)::int AS epochs FROM epoch_curves", "--format", "csv");
      expect(read).toMatchObject({ code: 0, out: "epochs\n7\n" });
      const write = await sweep("sql", "DELETE FROM epochs");
      expect(write.code).toBe(2);
      expect(write.err).toMatch(/^sweep: <query>: sweep sql refused the statement: .* got DELETE\n$/);
      expect((await sweep("sql", "SELECT count(*)::int AS n FROM epochs", "--format", "csv")).out).toBe("n\n7\n");
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("prints every column's own value when two share a name", async () => {
    await expectDuplicateColumns("--db", url);
  });

  it("names host, port and database but not the password when it cannot connect", async () => {
    const { code, err } = await sweep("ls", "--db", "postgres://root:p4ssw0rd-x@127.0.0.1:1/results");
    expect(code).toBe(1);
    expect(err).toMatch(/^sweep: cannot open Postgres at 127\.0\.0\.1:1\/results as root: .*ECONNREFUSED/);
    expect(err).not.toContain("p4ssw0rd-x");
  });
});
