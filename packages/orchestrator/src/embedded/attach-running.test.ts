import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSweep, SYNTHETIC_TASK, startSweep } from "../../test/cli-processes.js";

const env = { DATABASE_URL: "", NATS_URL: "" };

/** The lock file of a store a `sweep run` holds: its pid and the directory of the socket it serves. */
async function lockOf(db: string): Promise<{ pid: number; socket?: string }> {
  return JSON.parse(await readFile(path.join(db, "pgdata.lock"), "utf8"));
}

describe("reading an embedded store while sweep run holds it (real processes)", () => {
  let dir: string;
  let config: string;
  let db: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "sweep-attach-"));
    config = path.join(dir, "long.yaml");
    db = path.join(dir, ".sweep");
    await writeFile(
      config,
      [
        "name: attach",
        "model: { conv: [{ filters: 2 }], dense: [] }",
        "parameters: { training.seed: { values: [1, 2, 3] } }",
        "training: { epochs: 400 }",
        'dataset: { source: "synthetic:epoch_ms=100" }',
        "",
      ].join("\n"),
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("serves it on a private socket: results, sql and psql read, writes are refused; kill -9 leaves nothing blocking", async () => {
    let firstSocket = "";
    const run = startSweep(["run", config, "--threads", "2", "--db", db, "--task", SYNTHETIC_TASK], env);
    try {
      await run.waitFor("epoch 3/400", 50_000);
      const lock = await lockOf(db);
      expect(lock.socket, "the socket directory in the lock file").toBeDefined();
      const socketDir = lock.socket as string;
      firstSocket = socketDir;
      expect((await stat(socketDir)).mode & 0o777).toBe(0o700);

      const results = await runSweep(["results", "attach", "--db", db], env);
      expect(results.code, results.stderr).toBe(0);
      expect(results.stdout).toMatch(/seed=1\s+running/);
      const sql = await runSweep(["sql", "SELECT count(*)::int AS n FROM epochs", "--db", db, "--format", "csv"], env);
      expect(sql.code, sql.stderr).toBe(0);
      expect(Number(sql.stdout.trim().split("\n")[1])).toBeGreaterThan(0);

      if (spawnSync("psql", ["--version"]).status === 0) {
        const psql = (statement: string) =>
          spawnSync("psql", ["-h", socketDir, "-U", "postgres", "-d", "postgres", "-At", "-c", statement], {
            encoding: "utf8",
          });
        expect(psql("SELECT count(*) > 0 FROM trials").stdout.trim()).toBe("t");
        const write = psql("UPDATE trials SET name = 'x'");
        expect(write.status).not.toBe(0);
        expect(write.stderr).toContain("read-only transaction");
      }
      // The run went on recording meanwhile.
      await run.waitFor("epoch 8/400", 50_000);

      run.child.kill("SIGKILL");
      await run.exited;
      expect(existsSync(path.join(socketDir, ".s.PGSQL.5432"))).toBe(true);
    } finally {
      run.child.kill("SIGKILL");
    }

    let secondSocket = "";
    // The next run takes the store over, removes the dead socket and resumes.
    const next = startSweep(["run", config, "--threads", "2", "--db", db, "--task", SYNTHETIC_TASK], env);
    try {
      await next.waitFor("(seed=1) epoch", 50_000);
      expect(existsSync(firstSocket), "the killed run's socket directory").toBe(false);
      secondSocket = (await lockOf(db)).socket as string;
      expect(existsSync(secondSocket)).toBe(true);
      // seed=1 had recorded several epochs when it was killed: it continues from its last checkpoint.
      const resumedAt = Number(next.output().match(/\(seed=1\) epoch (\d+)\/400/)?.[1]);
      expect(resumedAt).toBeGreaterThan(1);
    } finally {
      next.child.kill("SIGINT");
      await next.exited;
    }
    // A run that ends removes its socket with its lock.
    expect(existsSync(secondSocket)).toBe(false);
    expect(existsSync(path.join(db, "pgdata.lock"))).toBe(false);
  }, 120_000);
});
