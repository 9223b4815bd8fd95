import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { decodeWeightsFile } from "@sweep/core";
import { ensurePipeline, openNatsModels } from "@sweep/protocol";
import { openDatabase, type SweepDatabase, sql } from "@sweep/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshPostgresDatabase, runSweep, type SweepProcess, startSweep } from "../../test/cli-processes.js";
import { NATS_URL, natsForTest, waitForSweepFinished } from "../../test/pipeline.js";

/** A dense net on 400 images with a high learning rate: val_loss turns up within a few epochs. */
const CONFIG = [
  "name: kept over nats",
  "model: { conv: [], pool: null, conv_dropout: 0, dense: [64], dense_dropout: 0 }",
  "parameters: { training.seed: { values: [1, 2] } }",
  "training: { epochs: 8, batch_size: 16, optimizer: adam, learning_rate: 0.01, keep_weights: both }",
  "dataset: { source: mnist, train_limit: 400, test_limit: 100 }",
  "keep_top: 1",
  "",
].join("\n");

describe("kept weights over NATS: workers on their own disks, export on the database host", () => {
  let nats: Awaited<ReturnType<typeof natsForTest>>;
  let postgresDb: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let database: SweepDatabase;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const children: SweepProcess[] = [];
  const workerIn = async (name: string) => {
    const cwd = path.join(dir, name);
    await mkdir(cwd);
    const worker = startSweep(["worker", "--threads", "1", "--backend", "wasm"], env, { cwd });
    children.push(worker);
    await worker.waitFor("backend wasm");
    return { worker, cwd };
  };

  beforeAll(async () => {
    nats = await natsForTest();
    postgresDb = await freshPostgresDatabase();
    database = await openDatabase({ url: postgresDb.url });
    dir = await mkdtemp(path.join(os.tmpdir(), "sweep-kept-nats-"));
    // A short ack wait: a killed worker's trial goes to the next worker in seconds.
    await ensurePipeline(nats.nc, { prefix: nats.prefix, ackWaitMs: 2000, maxDeliver: 5 });
    env = { SWEEP_NATS_PREFIX: nats.prefix, DATABASE_URL: postgresDb.url, NATS_URL };
    const serve = startSweep(["serve"], env);
    children.push(serve);
    await serve.waitFor("recording");
  });
  afterAll(async () => {
    for (const child of children) if (child.child.exitCode === null) child.child.kill("SIGKILL");
    await database?.close();
    await postgresDb?.dispose();
    await nats?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("a worker killed mid-trial and resumed elsewhere keeps the best epoch; export reads the object store", async () => {
    const first = await workerIn("worker-a");
    const config = path.join(dir, "kept.yaml");
    await writeFile(config, CONFIG);
    const launch = await runSweep(["launch", config], env);
    expect(launch.code, launch.stderr).toBe(0);
    const sweepId = launch.stdout.trim();
    // Kill the first worker once its trial has recorded 3 epochs (its checkpoint is saved after each).
    for (const deadline = Date.now() + 60_000; ; ) {
      const [row] = await database.query<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM epochs e JOIN trials t ON t.id = e.trial_id WHERE t.sweep_id = ${sweepId}`,
      );
      if ((row?.n ?? 0) >= 3) break;
      if (Date.now() > deadline) throw new Error(`no 3 epochs recorded:\n${first.worker.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    first.worker.child.kill("SIGKILL");
    const second = await workerIn("worker-b");

    const rows = await waitForSweepFinished(database, sweepId, 120_000);
    expect(rows.map((row) => row.status)).toEqual(["completed", "completed"]);
    const trials = await database.query<{ id: string; attempt: number; best_epoch: number; best_val_loss: number }>(
      sql`SELECT id, attempt, best_epoch, best_val_loss FROM trials WHERE sweep_id = ${sweepId} ORDER BY ordinal`,
    );
    expect(Math.max(...trials.map((trial) => trial.attempt))).toBeGreaterThan(1);
    const models = await openNatsModels(nats.nc, await ensurePipeline(nats.nc, { prefix: nats.prefix }));
    // keep_top 1: sweep serve drops the worse trial's weights, after recording its outcome.
    const [best, worse] = [...trials].sort((a, b) => a.best_val_loss - b.best_val_loss) as typeof trials;
    for (const deadline = Date.now() + 30_000; ; ) {
      const rows = await database.query<{ epoch: number; stored: boolean; note: string }>(
        sql`SELECT epoch, stored, note FROM kept_weights WHERE trial_id = ${worse?.id ?? ""} ORDER BY kind`,
      );
      if (rows.length === 2 && rows.every((row) => !row.stored)) {
        // The epoch the dropped best weights were from is still the trial's best.
        expect(rows.map((row) => row.epoch)).toEqual([worse?.best_epoch, 8]);
        expect(rows[0]?.note).toMatch(/^dropped: place 2 of the finished trials by val_loss, keep_top 1$/);
        break;
      }
      if (Date.now() > deadline) throw new Error(`weights of ${worse?.id} not dropped: ${JSON.stringify(rows)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await models.load(worse?.id ?? "", "best")).toBeUndefined();
    expect(await models.load(worse?.id ?? "", "last")).toBeUndefined();
    for (const trial of [best as (typeof trials)[number]]) {
      const [kept] = await database.query<{ epoch: number; size_bytes: number; stored: boolean }>(
        sql`SELECT epoch, size_bytes::float8 AS size_bytes, stored FROM kept_weights WHERE trial_id = ${trial.id} AND kind = 'best'`,
      );
      expect(kept).toMatchObject({ epoch: trial.best_epoch, stored: true });
      const bytes = (await models.load(trial.id, "best")) as Uint8Array;
      expect(bytes.byteLength).toBe(kept?.size_bytes);
      expect(decodeWeightsFile(bytes).header.metrics).toMatchObject({
        epoch: trial.best_epoch,
        val_loss: trial.best_val_loss,
      });
    }
    // Weights live in the object store, not on the workers' disks.
    for (const cwd of [first.cwd, second.cwd]) expect(await readdir(cwd)).toEqual([]);

    const host = path.join(dir, "db-host");
    await mkdir(host);
    const out = path.join(host, "best");
    const exported = await runSweep(["export", sweepId, "--out", out], env, host);
    expect(exported.code, exported.stderr).toBe(0);
    const card = JSON.parse(await readFile(path.join(out, "sweep-model.json"), "utf8"));
    expect(card).toMatchObject({ trial: { id: best?.id }, weights: { kind: "best", epoch: best?.best_epoch } });
    expect((await readdir(out)).sort()).toEqual(["group1-shard1of1.bin", "model.json", "sweep-model.json"]);
  }, 180_000);
});
