import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSweep, SYNTHETIC_TASK, startSweep } from "../../test/cli-processes.js";

describe("sweep run without services (PGlite under .sweep, in-process dispatch)", () => {
  let dir: string;
  const inDir = (extra: NodeJS.ProcessEnv = {}) => ({ DATABASE_URL: "", NATS_URL: "", ...extra });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "sweep-run-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("trains a tiny real sweep, prints the ranking, and sweep sql then answers", async () => {
    const config = path.join(dir, "tiny.yaml");
    await writeFile(
      config,
      [
        "name: tiny real",
        "model: { conv: [{ filters: 2 }], dense: [] }",
        "parameters: { model.pool.size: { values: [2, 4] } }",
        "training: { epochs: 1, batch_size: 64 }",
        "dataset: { source: mnist, train_limit: 192, test_limit: 64 }",
        "",
      ].join("\n"),
    );
    const db = path.join(dir, ".sweep");
    const run = await runSweep(["run", config, "--threads", "2", "--db", db], inDir());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/\(pool=2\) epoch 1\/1: loss \d/);
    expect(run.stdout).toMatch(/best val_loss @ epoch +overfits from +epochs/);
    expect(run.stdout).toMatch(/pool=4\s+completed/);

    const sql = await runSweep(
      ["sql", "SELECT count(*)::int AS epochs FROM epochs", "--db", db, "--format", "csv"],
      inDir(),
    );
    expect(sql.code, sql.stderr).toBe(0);
    expect(sql.stdout.trim().split("\n")).toEqual(["epochs", "2"]);
  });

  it("Ctrl-C cancels the running trials, records them cancelled and exits 130", async () => {
    const config = path.join(dir, "long.yaml");
    await writeFile(
      config,
      [
        "name: long synthetic",
        "model: { conv: [{ filters: 2 }], dense: [] }",
        "parameters: { training.seed: { values: [1, 2, 3] } }",
        "training: { epochs: 200 }",
        'dataset: { source: "synthetic:epoch_ms=50" }',
        "",
      ].join("\n"),
    );
    const db = path.join(dir, ".sweep-long");
    const run = startSweep(["run", config, "--threads", "2", "--db", db, "--task", SYNTHETIC_TASK], inDir());
    await run.waitFor("epoch 2/200");
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(130);
    expect(run.output()).toMatch(/cancelled after epoch \d+/);

    const sql = await runSweep(
      [
        "sql",
        "SELECT status, count(*)::int AS n FROM trials GROUP BY status ORDER BY status",
        "--db",
        db,
        "--format",
        "csv",
      ],
      inDir(),
    );
    expect(sql.stdout.trim().split("\n")).toEqual(["status,n", "cancelled,3"]);
  });

  it("exits 3 with one line when trials failed, after printing the ranking", async () => {
    const config = path.join(dir, "failing.yaml");
    await writeFile(
      config,
      [
        "name: failing synthetic",
        "model: { conv: [{ filters: 2 }], dense: [] }",
        "parameters: { dataset.source: { values: ['synthetic:', 'synthetic:fail=deterministic'] } }",
        "training: { epochs: 3 }",
        "",
      ].join("\n"),
    );
    const db = path.join(dir, ".sweep-failing");
    const run = await runSweep(["run", config, "--threads", "1", "--db", db, "--task", SYNTHETIC_TASK], inDir());
    expect(run.code, run.stderr).toBe(3);
    expect(run.stdout).toMatch(/: 1 of 2 trials failed; more: sweep results/);
    expect(run.stderr.trim().split("\n").at(-1)).toBe("sweep: 1 trial failed (exit 3)");
  });
});
