import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isDatabaseUnavailableError } from "./errors.js";
import { lockOwner } from "./lock-holder.js";
import { openDatabase } from "./open.js";
import { sql } from "./sql.js";
import { liveStoreHolder, servingStoreHolder, storeLockPath } from "./store-lock.js";

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
    await writeFile(storeLockPath(dir), JSON.stringify(lockOwner(other.pid as number, "sweep run quick.yaml")));
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

  it.skipIf(process.platform !== "linux")(
    "takes over a store whose holder was killed but not yet reaped (a zombie)",
    async () => {
      // sh starts the holder in the background, prints its pid and becomes `sleep`, which
      // never waits for children: the killed holder stays a zombie until the test ends.
      other = spawn("sh", ["-c", "sleep 1000 & echo $!; exec sleep 1000"], { stdio: ["ignore", "pipe", "ignore"] });
      const [line] = (await once(other.stdout as NodeJS.ReadableStream, "data")) as [Buffer];
      const holder = Number(line.toString().trim());
      process.kill(holder, "SIGKILL");
      expect(await processStateWithin(holder, (state) => state === "Z", 10_000)).toBe("Z");
      expect(() => process.kill(holder, 0)).not.toThrow();
      await writeFile(storeLockPath(dir), JSON.stringify({ pid: holder, command: "sweep run quick.yaml" }));
      expect(await liveStoreHolder(dir)).toBeNull();
      const database = await openDatabase({ embeddedDir: dir });
      expect(await database.query(sql`SELECT count(*)::int AS n FROM sweeps`)).toEqual([{ n: 0 }]);
      await database.close();
    },
  );

  it("never shows a reader a half-written lock while its holder records socket after socket", async () => {
    // The holder rewrites its lock 2,000 times; a reader that saw it empty or cut would
    // take the store for unheld (null) and open it beside the holder.
    const storeLock = new URL("../dist/store-lock.js", import.meta.url).href;
    const script = `const { acquireStoreLock } = await import(${JSON.stringify(storeLock)});
      const lock = await acquireStoreLock(${JSON.stringify(dir)});
      for (let i = 0; i < 2000; i++) await lock.recordSocket("/tmp/sweep-socket-" + i);
      process.stdout.write("done\\n");
      setTimeout(() => {}, 60000);`;
    other = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    let done = false;
    other.stdout?.on("data", () => {
      done = true;
    });
    const file = storeLockPath(dir);
    while (
      !(await access(file).then(
        () => true,
        () => false,
      ))
    )
      await new Promise((r) => setTimeout(r, 5));
    let reads = 0;
    let unheld = 0;
    while (!done) {
      if ((await liveStoreHolder(dir)) === null) unheld += 1;
      reads += 1;
    }
    expect(reads).toBeGreaterThan(20);
    expect(unheld).toBe(0);
  });

  it("waits for a holder that is still opening the store to serve it (a reader started with the run)", async () => {
    other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"], { stdio: "ignore" });
    const owner = lockOwner(other.pid as number, "sweep run quick.yaml");
    await writeFile(storeLockPath(dir), JSON.stringify(owner));
    const command = owner.command;
    expect(await servingStoreHolder(dir, 300)).toEqual({ pid: other.pid, command, socket: null });
    // The socket is written only later: getting it back shows the call waited for it.
    setTimeout(() => void writeFile(storeLockPath(dir), JSON.stringify({ ...owner, socket: "/tmp/served" })), 500);
    expect(await servingStoreHolder(dir, 10_000)).toEqual({ pid: other.pid, command, socket: "/tmp/served" });
    other.kill();
    await once(other, "exit");
    expect(await servingStoreHolder(dir, 10_000)).toBeNull();
  });

  it("says another process holds a store it is still creating (pgdata empty), not that it is damaged", async () => {
    other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"], { stdio: "ignore" });
    await writeFile(storeLockPath(dir), JSON.stringify(lockOwner(other.pid as number, "sweep run quick.yaml")));
    await mkdir(path.join(dir, "pgdata"));
    for (const mode of ["create", "write"] as const) {
      await expect(openDatabase({ embeddedDir: dir }, mode)).rejects.toThrow(
        `the embedded store ${dir} is in use by process ${other.pid} (sweep run quick.yaml); PGlite serves one process at a time`,
      );
    }
  });

  it.skipIf(process.platform !== "linux")(
    "refuses at once a lock whose pid now names another process, saying what it is and how to clear it",
    async () => {
      other = spawn("sleep", ["1000"], { stdio: "ignore" });
      const pid = other.pid as number;
      const holder = lockOwner(pid, "/opt/sweep/bin/sweep.js run quick.yaml");
      const stale = `the embedded store ${dir} has a stale lock: ${storeLockPath(dir)} names process ${pid} (/opt/sweep/bin/sweep.js run quick.yaml), but that pid is now another process (sleep 1000); if no sweep is using the store, delete ${storeLockPath(dir)}`;
      // A lock of this version: the start time differs. One written before start times: the command differs.
      for (const lock of [
        { ...holder, started: (holder.started ?? 0) + 1 },
        { pid, command: holder.command },
      ]) {
        await writeFile(storeLockPath(dir), JSON.stringify(lock));
        await expect(liveStoreHolder(dir)).rejects.toThrow(stale);
        for (const mode of ["read", "create"] as const) {
          const refused = await openDatabase({ embeddedDir: dir }, mode).catch((error: unknown) => error);
          expect(isDatabaseUnavailableError(refused)).toBe(true);
          expect((refused as Error).message).toBe(stale);
        }
      }
      await access(storeLockPath(dir));
    },
  );

  it.skipIf(process.platform !== "linux")(
    "knows its holder by its command line in a lock without a start time",
    async () => {
      const script = path.join(dir, "holder.mjs");
      await writeFile(script, "setTimeout(() => {}, 30000);\n");
      other = spawn(process.execPath, [script, "run", "quick.yaml"], { stdio: "ignore", cwd: dir });
      const pid = other.pid as number;
      await writeFile(
        storeLockPath(dir),
        JSON.stringify({ pid, command: `${script} run quick.yaml`, socket: "/tmp/s" }),
      );
      expect(await liveStoreHolder(dir)).toEqual({ pid, command: `${script} run quick.yaml`, socket: "/tmp/s" });
    },
  );

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

/** The state letter of `/proc/<pid>/stat` once `wanted` accepts it, or the last one seen at the deadline. */
async function processStateWithin(pid: number, wanted: (state: string) => boolean, ms: number): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "gone) ?");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    if (wanted(state) || Date.now() > deadline) return state;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
