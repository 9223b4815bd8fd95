import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type DatabaseTarget, openDatabase, sql } from "@sweep/store";
import { ADMIN_URL, testDatabaseUrl } from "@sweep/store/testing";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ONE_LINE, printed, SWEEP_BIN, seedCliSweep, sweep, sweepProcess } from "../../test/cli.js";

/**
 * The hostile-input suite of `sweep sql`: statements that try to write, run programs,
 * read server files, make large objects, kill sessions, change settings, hold locks or
 * run forever, each refused or stopped with exit code 2 and one line (no stack trace),
 * on the embedded store and on a server reached as a SUPERUSER with a password in its
 * URL; the database is unchanged afterwards and the password was never printed.
 * Bounded time is the test's timeout (60 s), not a clock read here: a statement stopped
 * by --timeout 1 says so in its message, and ends 1 s later on a server and at most 7 s
 * later on the embedded store (its opening included) even at load 20 on 2 cores, while
 * unstopped it would run for hours.
 */
const PASSWORD = `S3cret-${randomBytes(4).toString("hex")}`;
const scratch = await mkdtemp(path.join(os.tmpdir(), "sweep-sql-escapes-"));
const marker = (name: string) => path.join(scratch, name);

/** [name, statement, the refusal or stop it must end in, extra arguments]. */
const ESCAPES: Array<[string, string, RegExp, string[]?]> = [
  ["UPDATE", "UPDATE trials SET status = 'failed'", /got UPDATE$/],
  ["DELETE", "DELETE FROM epochs", /got DELETE$/],
  ["INSERT", "INSERT INTO workers (id) VALUES ('x')", /got INSERT$/],
  ["TRUNCATE", "TRUNCATE epochs", /got TRUNCATE$/],
  ["DROP TABLE", "DROP TABLE epochs", /got DROP$/],
  ["CREATE TABLE", "CREATE TABLE stolen (a int)", /got CREATE$/],
  ["COPY … TO PROGRAM", `COPY trials TO PROGRAM 'touch ${marker("program-ran")}'`, /got COPY$/],
  ["COPY … TO a file", `COPY (SELECT * FROM trials) TO '${marker("copied.csv")}'`, /got COPY$/],
  ["DO block", "DO $$ BEGIN PERFORM pg_sleep(10); LOCK TABLE trials; END $$", /got DO$/],
  ["two statements", "SELECT 1; DELETE FROM epochs", /one statement only, got 2$/],
  ["COMMIT then a write", "COMMIT; DELETE FROM epochs", /one statement only, got 2$/],
  ["SET ROLE", "SET ROLE postgres", /got VARIABLE SET$/],
  ["SET a timeout", "SET statement_timeout = 0", /got VARIABLE SET$/],
  ["LOCK TABLE", "LOCK TABLE trials IN ACCESS EXCLUSIVE MODE", /got LOCK$/],
  ["GRANT", "GRANT ALL ON trials TO PUBLIC", /got GRANT$/],
  ["VACUUM", "VACUUM epochs", /got VACUUM$/],
  ["writing WITH", "WITH d AS (DELETE FROM epochs RETURNING *) SELECT count(*) FROM d", /it writes \(DELETE\)$/],
  ["SELECT INTO", "SELECT * INTO stolen FROM trials", /SELECT … INTO creates a table$/],
  ["FOR UPDATE", "SELECT * FROM trials FOR UPDATE", /FOR UPDATE\/SHARE locks rows$/],
  ["EXPLAIN ANALYZE of a write", "EXPLAIN ANALYZE DELETE FROM epochs", /got EXPLAIN$/],
  ["lo_import", "SELECT lo_import('/etc/hostname')", /"lo_import" is not allowed/],
  ["lo_from_bytea", "SELECT lo_from_bytea(0, 'x')", /"lo_from_bytea" is not allowed/],
  ["pg_terminate_backend", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity", /"pg_terminate_backend"/],
  ["pg_read_file", "SELECT pg_read_file('/etc/hostname')", /"pg_read_file" is not allowed/],
  ["set_config", "SELECT set_config('statement_timeout', '0', false)", /"set_config" is not allowed/],
  ["set_config of the role", "SELECT pg_catalog.set_config('role', 'postgres', true)", /"set_config"/],
  ["dblink", "SELECT * FROM dblink('dbname=postgres', 'SELECT 1') AS t(a int)", /"dblink" is not allowed/],
  ["SQL in a string", "SELECT query_to_xml('DELETE FROM epochs', true, true, '')", /"query_to_xml"/],
  ["an advisory lock", "SELECT pg_advisory_lock(7302185411)", /"pg_advisory_lock"/],
  ["pg_ls_dir", "SELECT pg_ls_dir('.')", /"pg_ls_dir" is not allowed/],
  ["pg_reload_conf", "SELECT pg_reload_conf()", /"pg_reload_conf" is not allowed/],
  ["a syntax error", "SELEC * FROM trials", /syntax error at or near "SELEC"/],
  ["nothing", "/* only a comment */", /no statement given$/],
  ["a server catalog", "SELECT rolpassword FROM pg_authid", /permission denied for table pg_authid/],
  ["pg_sleep(3600)", "SELECT pg_sleep(3600)", /ran longer than --timeout 1 s/, ["--timeout", "1"]],
  ["sleep in FROM", "SELECT * FROM pg_sleep(3600)", /ran longer than --timeout 1 s/, ["--timeout", "1"]],
  [
    "endless recursion",
    "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r",
    /ran longer than --timeout 1 s/,
    ["--timeout", "1"],
  ],
  [
    "ten billion rows",
    "SELECT count(*) FROM generate_series(1, 10000000000)",
    /ran longer than --timeout 1/,
    ["--timeout", "1"],
  ],
  ["a 2 GB value", "SELECT repeat('x', 2000000000)", /requested length too large|out of memory|invalid memory/],
  ["deep nesting", `SELECT ${"(".repeat(100_000)}1${")".repeat(100_000)}`, /memory exhausted|nested too deeply/],
  ["a 200,000-term sum", `SELECT ${"1+".repeat(200_000)}1`, /nested too deeply|stack depth/],
  ["--timeout 0", "SELECT 1", /--timeout: must be a number of seconds above 0/, ["--timeout", "0"]],
  ["--limit -1", "SELECT 1", /--limit: must be a whole number of rows above 0, or all/, ["--limit", "-1"]],
];

/** Everything a statement could change: the rows, large objects, relations and roles. */
async function fingerprint(target: DatabaseTarget): Promise<string> {
  const db = await openDatabase(target, "read");
  try {
    const [row] = await db.query(sql`SELECT (SELECT md5(string_agg(r, '|' ORDER BY r)) FROM (
                SELECT row_to_json(s)::text AS r FROM sweeps s UNION ALL SELECT row_to_json(t)::text FROM trials t
                UNION ALL SELECT row_to_json(e)::text FROM epochs e UNION ALL SELECT row_to_json(w)::text FROM workers w
              ) rows) AS rows,
              (SELECT count(*)::int FROM pg_largeobject_metadata) AS large_objects,
              (SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class
                WHERE relnamespace = 'public'::regnamespace) AS relations,
              (SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles) AS roles`);
    return JSON.stringify(row);
  } finally {
    await db.close();
  }
}

function escapeSuite(store: string, targetOf: () => { db: string; target: DatabaseTarget }): void {
  describe(`sweep sql escapes on ${store}`, () => {
    let before = "";
    // Setting up is not under test: creating the embedded store outran 60 s at load 20.
    beforeAll(async () => {
      await seedCliSweep(targetOf().target);
      before = await fingerprint(targetOf().target);
    }, 120_000);

    for (const [name, statement, refusal, extra = []] of ESCAPES) {
      it(`refuses or stops ${name}: exit 2, one line, in bounded time`, async () => {
        const run = await sweep("sql", statement, "--db", targetOf().db, ...extra);
        expect(run.err).toMatch(ONE_LINE);
        expect(run).toMatchObject({ code: 2, out: "" });
        expect(run.err.trimEnd()).toMatch(refusal);
      });
    }

    it("is unchanged afterwards: rows, large objects, relations, roles; no program ran, no file was written", async () => {
      expect(await fingerprint(targetOf().target)).toBe(before);
      expect(existsSync(marker("program-ran"))).toBe(false);
      expect(existsSync(marker("copied.csv"))).toBe(false);
    });
  });
}

const embeddedDir = path.join(scratch, "store");
escapeSuite("the embedded store", () => ({ db: embeddedDir, target: { embeddedDir } }));

const name = `sweep_test_${randomBytes(6).toString("hex")}`;
const serverUrl = Object.assign(new URL(testDatabaseUrl(name)), { password: PASSWORD }).toString();
const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
beforeAll(async () => {
  await admin.unsafe(`CREATE DATABASE ${name}`);
});
escapeSuite("a server, as a superuser", () => ({ db: serverUrl, target: { url: serverUrl } }));

/** Active statements of the test database other than the asking one. */
async function runningOnServer(text: string): Promise<number> {
  const [row] = await admin`SELECT count(*)::int AS n FROM pg_stat_activity
    WHERE datname = ${name} AND state = 'active' AND query LIKE ${`%${text}%`} AND pid <> pg_backend_pid()`;
  return row?.n as number;
}

describe("sweep sql on a server: time bounds", () => {
  it("ends pg_sleep(3600) at the timeout and leaves no query running", async () => {
    const run = await sweep("sql", "SELECT pg_sleep(3600)", "--timeout", "1", "--db", serverUrl);
    expect(run).toMatchObject({ code: 2, out: "" });
    expect(run.err).toBe("sweep: <query>: ran longer than --timeout 1 s and was cancelled on the server\n");
    expect(await runningOnServer("pg_sleep(3600)")).toBe(0);
  });

  it("gives up a lock wait at the timeout", async () => {
    const holder = postgres(serverUrl.replace(`:${PASSWORD}`, ""), { max: 1, onnotice: () => {} });
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let tableLocked: () => void = () => {};
    const locked = new Promise<void>((resolve) => {
      tableLocked = resolve;
    });
    const locking = holder.begin(async (tx) => {
      await tx`LOCK TABLE trials IN ACCESS EXCLUSIVE MODE`;
      tableLocked();
      await held;
    });
    try {
      await Promise.race([locked, locking]);
      const run = await sweep("sql", "SELECT count(*) FROM trials", "--timeout", "1", "--db", serverUrl);
      expect(run).toMatchObject({ code: 2, out: "" });
      expect(run.err).toMatch(/^sweep: <query>: (waited for a lock|ran) longer than --timeout 1 s/);
    } finally {
      release();
      await locking;
      await holder.end();
    }
  });

  it("cancels the statement on the server when the client is interrupted (Ctrl-C)", async () => {
    const run = await sweepProcess(["sql", "SELECT pg_sleep(3600)", "--db", serverUrl], (child) => {
      const poll = setInterval(async () => {
        if ((await runningOnServer("pg_sleep(3600)")) > 0) {
          clearInterval(poll);
          child.kill("SIGINT");
        }
      }, 200);
    });
    expect(run.code).toBe(130);
    expect(await runningOnServer("pg_sleep(3600)")).toBe(0);
  });
});

describe("sweep sql on the embedded store: interrupted", () => {
  it("stops the statement on Ctrl-C and leaves the store usable and unlocked", async () => {
    const before = await fingerprint({ embeddedDir });
    // Ten billion rows streamed as they come (a set-returning function in the select
    // list is not materialised first): Ctrl-C goes once the first ones are printed.
    let poll: NodeJS.Timeout | undefined;
    const run = await sweepProcess(
      ["sql", "SELECT generate_series(1, 10000000000) AS g", "--format", "csv", "--limit", "all", "--db", embeddedDir],
      (child) => {
        poll = setInterval(() => {
          if (!child.output().includes("\n1\n")) return;
          clearInterval(poll);
          child.kill("SIGINT");
        }, 50);
      },
    );
    clearInterval(poll);
    expect(run.out.startsWith("g\n1\n"), run.err).toBe(true);
    expect(run.code).toBe(130);
    expect(existsSync(path.join(embeddedDir, "pgdata.lock"))).toBe(false);
    expect(await fingerprint({ embeddedDir })).toBe(before);
  });
});

/** Runs the built CLI with a small heap and counts the lines it prints, without keeping them. */
function countLines(args: string[]): Promise<{ code: number | null; lines: number; err: string }> {
  const child = spawn(process.execPath, ["--max-old-space-size=48", SWEEP_BIN, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let lines = 0;
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => {
    for (const byte of chunk) if (byte === 10) lines++;
  });
  child.stderr.on("data", (chunk) => {
    err += String(chunk);
  });
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, lines, err })));
}

describe("sweep sql result sizes", () => {
  const million = "SELECT g, md5(g::text) AS hash FROM generate_series(1, 1000000) g";

  it("streams a million rows as csv from a server with a 48 MB heap", async () => {
    const run = await countLines([
      "sql",
      million,
      "--format",
      "csv",
      "--limit",
      "all",
      "--timeout",
      "300",
      "--db",
      serverUrl,
    ]);
    expect(run).toEqual({ code: 0, lines: 1_000_001, err: "" });
  }, 300_000);

  it("streams 200,000 rows as json from the embedded store with a 48 MB heap", async () => {
    const query = "SELECT g, md5(g::text) AS hash FROM generate_series(1, 200000) g";
    const run = await countLines([
      "sql",
      query,
      "--format",
      "json",
      "--limit",
      "all",
      "--timeout",
      "300",
      "--db",
      embeddedDir,
    ]);
    expect(run).toEqual({ code: 0, lines: 200_000 * 4 + 2, err: "" });
  }, 300_000);

  it("prints 1,000 rows by default and says on stderr that it cut", async () => {
    for (const db of [serverUrl, embeddedDir]) {
      const run = await sweep("sql", "SELECT g FROM generate_series(1, 5000) g", "--format", "csv", "--db", db);
      expect(run.code).toBe(0);
      expect(run.out.split("\n")).toHaveLength(1 + 1000 + 1);
      expect(run.err).toBe(
        "sweep sql: printed the first 1000 rows; more were left out (--limit <rows> or --limit all to print them)\n",
      );
      const exact = await sweep("sql", "SELECT g FROM generate_series(1, 7) g", "--limit", "7", "--db", db);
      expect(exact).toMatchObject({ code: 0, err: "" });
    }
  });
});

describe("credentials", () => {
  it("never printed the password of a database URL", async () => {
    for (const db of [
      `postgress://postgres:${PASSWORD}@127.0.0.1:5432/${name}`,
      `mysql://root:${PASSWORD}@127.0.0.1/x`,
      `http://root:${PASSWORD}@127.0.0.1/x`,
      `postgres://root:${PASSWORD}@127.0.0.1:1/x`,
    ]) {
      const run = await sweep("ls", "--db", db);
      expect(run.err).toMatch(ONE_LINE);
    }
    await sweep("ls", "--db", serverUrl);
    await sweep("status", "--db", serverUrl);
    await sweep("worker", "--nats", `nats://sweeper:${PASSWORD}@127.0.0.1:1`);
    expect(printed.length).toBeGreaterThan(2 * ESCAPES.length);
    expect(printed.filter((text) => text.includes(PASSWORD))).toEqual([]);
  });
});

afterAll(async () => {
  await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
  await rm(scratch, { recursive: true, force: true });
});
