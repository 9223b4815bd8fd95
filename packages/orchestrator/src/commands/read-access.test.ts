import { createHash, randomBytes } from "node:crypto";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describeServer } from "@sweep/store";
import { ADMIN_URL, testDatabaseUrl } from "@sweep/store/testing";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ONE_LINE, seedCliSweep, sweep, sweepProcess } from "../../test/cli.js";

const scratch = await mkdtemp(path.join(os.tmpdir(), "sweep-read-access-"));
const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
afterAll(async () => {
  await admin.end();
  await rm(scratch, { recursive: true, force: true });
});

/** The reading commands, each as it is typed (`--db` is added). */
const READ_COMMANDS: string[][] = [
  ["ls"],
  ["status"],
  ["results", "cli-sweep"],
  ["sql", "SELECT count(*) AS trials FROM trials"],
  ["plot", "cli-sweep", "--out", path.join(scratch, "plots")],
];

async function createDatabase(): Promise<{ name: string; url: string }> {
  const name = `sweep_test_${randomBytes(6).toString("hex")}`;
  await admin.unsafe(`CREATE DATABASE ${name}`);
  return { name, url: testDatabaseUrl(name) };
}

describe("a SELECT-only role", () => {
  const role = `sweep_ro_${randomBytes(4).toString("hex")}`;
  let database = { name: "", url: "" };
  let roleUrl = "";
  beforeAll(async () => {
    database = await createDatabase();
    await seedCliSweep({ url: database.url });
    // The documented way to let a person read: a login role in sweep_reader.
    await admin.unsafe(`CREATE ROLE ${role} LOGIN IN ROLE sweep_reader`);
    roleUrl = Object.assign(new URL(database.url), { username: role, password: "" }).toString();
  });
  afterAll(async () => {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${database.name} WITH (FORCE)`);
    await admin.unsafe(`DROP ROLE IF EXISTS ${role}`);
  });

  for (const command of READ_COMMANDS) {
    it(`runs sweep ${command[0]}`, async () => {
      const run = await sweep(...command, "--db", roleUrl);
      expect(run.err).toBe("");
      expect(run.code).toBe(0);
      expect(run.out).toMatch(/cli-sweep|model-b|trials|wrote 2 learning curves/);
    });
  }

  it("runs sweep dashboard (not on a terminal)", async () => {
    // Without CI in its environment: under CI=true Ink draws only the last frame, at exit.
    const { CI: _, ...env } = process.env;
    const run = await sweepProcess(
      ["dashboard", "--db", roleUrl, "--interval", "200"],
      (child) => {
        const poll = setInterval(() => {
          if (child.output().includes("model-b")) {
            clearInterval(poll);
            child.kill("SIGINT");
          }
        }, 100);
      },
      env,
    );
    expect(run.out).toContain("model-b");
    expect(run.err).not.toMatch(/permission denied|sweep:/);
  }, 60_000);

  it("cannot write, and sweep sql runs as sweep_reader", async () => {
    const who = await sweep("sql", "SELECT current_user AS role", "--format", "csv", "--db", roleUrl);
    expect(who.out).toBe("role\nsweep_reader\n");
    const cancel = await sweep("cancel", "cli-sweep", "--db", roleUrl);
    expect(cancel.code).not.toBe(0);
    expect(cancel.err).toMatch(ONE_LINE);
  });
});

describe("reading commands on a database that needs migrating", () => {
  let empty = { name: "", url: "" };
  let behind = { name: "", url: "" };
  beforeAll(async () => {
    empty = await createDatabase();
    behind = await createDatabase();
    await seedCliSweep({ url: behind.url });
    const sql = postgres(behind.url, { max: 1, onnotice: () => {} });
    await sql`DELETE FROM drizzle.__drizzle_migrations WHERE created_at = (SELECT max(created_at) FROM drizzle.__drizzle_migrations)`;
    await sql.end();
  });
  afterAll(async () => {
    for (const { name } of [empty, behind]) await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  async function relations(url: string): Promise<string> {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    const rows = await sql`SELECT count(*)::int AS n FROM pg_class WHERE relnamespace IN ('public'::regnamespace)`;
    const applied = await sql`SELECT count(*)::int AS n FROM pg_namespace n
      LEFT JOIN pg_class c ON c.relnamespace = n.oid WHERE n.nspname = 'drizzle'`;
    await sql.end();
    return JSON.stringify([rows, applied]);
  }

  it("says to run sweep db migrate and changes nothing", async () => {
    for (const [database, state] of [
      [empty, "has no sweep tables"],
      [behind, "needs 1 newer migrations"],
    ] as const) {
      const before = await relations(database.url);
      for (const command of [...READ_COMMANDS, ["dashboard"]]) {
        const run = await sweep(...command, "--db", database.url);
        expect(run).toMatchObject({ code: 2, out: "" });
        expect(run.err).toBe(
          `sweep: Postgres at ${describeServer(database.url)} ${state}; reading commands never change a database: run \`sweep db migrate\` first\n`,
        );
      }
      expect(await relations(database.url)).toBe(before);
    }
  });
});

/** Every path, kind, mode and content under `dir`, hashed. */
async function treeHash(dir: string): Promise<string> {
  const hash = createHash("sha256");
  const walk = async (at: string): Promise<void> => {
    const info = await stat(at);
    hash.update(`${path.relative(dir, at)}\0${info.mode}\0${info.size}\0`);
    if (info.isDirectory()) {
      for (const entry of (await readdir(at)).sort()) await walk(path.join(at, entry));
    } else {
      hash.update(await readFile(at));
    }
  };
  await walk(dir);
  return hash.digest("hex");
}

describe("a damaged embedded store", () => {
  const healthy = path.join(scratch, "healthy");
  const damaged = {
    "has no PG_VERSION": path.join(scratch, "partial-copy"),
    "is empty": path.join(scratch, "emptied"),
  };
  beforeAll(async () => {
    await seedCliSweep({ embeddedDir: healthy });
    await cp(healthy, damaged["has no PG_VERSION"], { recursive: true });
    await rm(path.join(damaged["has no PG_VERSION"], "pgdata", "PG_VERSION"));
    await mkdir(path.join(damaged["is empty"], "pgdata"), { recursive: true });
  });

  for (const [damage, store] of Object.entries(damaged)) {
    it(`(pgdata ${damage}) is refused by every reading command and by db migrate, and left byte for byte`, async () => {
      const before = await treeHash(store);
      for (const command of [...READ_COMMANDS, ["dashboard"], ["db", "migrate"]]) {
        const run = await sweep(...command, "--db", store);
        expect(run).toMatchObject({ code: 2, out: "" });
        expect(run.err).toBe(
          `sweep: the embedded store ${store} is damaged (${path.join(store, "pgdata")} ${damage}); sweep neither opens nor re-initialises it: restore it from a copy, or move it away to start a new store\n`,
        );
      }
      expect(await treeHash(store)).toBe(before);
    });
  }

  it("a healthy copy still reads, so the refusals above are the damage's", async () => {
    const run = await sweep("ls", "--db", healthy);
    expect(run.code).toBe(0);
    expect(run.out).toContain("cli-sweep");
  });
});
