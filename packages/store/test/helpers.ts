import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import type { SweepDatabase } from "../src/database.js";
import { openDatabase } from "../src/open.js";

/**
 * The test server (trust auth) as its superuser: TEST_PG_URL, which npm test's global
 * setup sets, else the one default, 127.0.0.1:5432.
 */
export const ADMIN_URL = process.env.TEST_PG_URL || "postgres://postgres@127.0.0.1:5432/postgres";

/** The URL of `database` on the test server. */
export function testDatabaseUrl(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Opens a fresh, migrated database per call; `dispose` removes every one it made. */
export interface DatabaseFactory {
  open(): Promise<SweepDatabase>;
  dispose(): Promise<void>;
}

export function pgliteFactory(): DatabaseFactory {
  const dirs: string[] = [];
  const handles: SweepDatabase[] = [];
  return {
    async open() {
      const dir = await mkdtemp(path.join(os.tmpdir(), "sweep-store-"));
      dirs.push(dir);
      const database = await openDatabase({ embeddedDir: dir });
      handles.push(database);
      return database;
    },
    async dispose() {
      for (const handle of handles) await handle.close().catch(() => {});
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** One `sweep_test_<random>` database per factory (per test file); tests tell their rows apart by sweep id. */
export function postgresFactory(): DatabaseFactory {
  const name = `sweep_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  const handles: SweepDatabase[] = [];
  let created = false;
  return {
    async open() {
      if (!created) await admin.unsafe(`CREATE DATABASE ${name}`);
      created = true;
      const database = await openDatabase({ url: testDatabaseUrl(name) });
      handles.push(database);
      return database;
    },
    async dispose() {
      for (const handle of handles) await handle.close().catch(() => {});
      if (created) await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
