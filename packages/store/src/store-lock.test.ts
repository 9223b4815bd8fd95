import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { access, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isDatabaseUnavailableError } from "./errors.js";
import { openDatabase } from "./open.js";
import { sql } from "./sql.js";
import { storeLockPath } from "./store-lock.js";

describe("embedded store ownership", () => {
  let dir: string;
  let other: ChildProcess | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "sweep-lock-"));
  });
  afterEach(async () => {
    other?.kill();
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses a store another live process holds, and takes over one whose process is gone", async () => {
    other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"], { stdio: "ignore" });
    await writeFile(storeLockPath(dir), JSON.stringify({ pid: other.pid, command: "sweep run quick.yaml" }));
    const refused = await openDatabase({ embeddedDir: dir }).catch((error: unknown) => error);
    expect(isDatabaseUnavailableError(refused)).toBe(true);
    expect((refused as Error).message).toBe(
      `the embedded store ${dir} is in use by process ${other.pid} (sweep run quick.yaml); PGlite serves one process at a time: wait for it to finish, or share a Postgres server with --db postgres://…`,
    );
    other.kill();
    await once(other, "exit");
    const database = await openDatabase({ embeddedDir: dir });
    expect(await database.query(sql`SELECT count(*)::int AS n FROM sweeps`)).toEqual([{ n: 0 }]);
    await database.close();
    await expect(access(storeLockPath(dir))).rejects.toThrow();
  });

  it("shares one instance between handles of this process until the last one closes", async () => {
    const first = await openDatabase({ embeddedDir: dir });
    const second = await openDatabase({ embeddedDir: dir });
    await first.query(sql`INSERT INTO sweeps (id, name, config, config_hash) VALUES ('s1', 'n', '{}', 'h')`);
    await first.close();
    expect(await second.query(sql`SELECT id FROM sweeps`)).toEqual([{ id: "s1" }]);
    await access(storeLockPath(dir));
    await second.close();
    await expect(access(storeLockPath(dir))).rejects.toThrow();
  });
});
