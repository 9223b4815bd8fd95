import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { Objm } from "@nats-io/obj";
import { parseSweepConfig } from "@sweep/core";
import { ensurePipeline } from "@sweep/protocol";
import { createSweep, openDatabase, recordEvents, type SweepDatabase, sql } from "@sweep/store";
import { type SweepWorker, startWorker } from "@sweep/worker";
import { inProcessSyntheticTrainer } from "@sweep/worker/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshPostgresDatabase, runSweep, sweepYaml } from "../../test/cli-processes.js";
import { NATS_URL, natsForTest, waitForSweepFinished } from "../../test/pipeline.js";
import { planSweep } from "./launch.js";
import { publishTrials } from "./publisher.js";
import { type Recorder, startRecorder } from "./recorder.js";

/** Three variants on the synthetic trainer. */
const SOURCES = Array(3).fill("synthetic:epoch_ms=20");

describe("sweep resume and a changed config", () => {
  let nats: Awaited<ReturnType<typeof natsForTest>>;
  let postgresDb: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let database: SweepDatabase;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let recorder: Recorder | undefined;
  let worker: SweepWorker | undefined;

  beforeAll(async () => {
    nats = await natsForTest();
    postgresDb = await freshPostgresDatabase();
    database = await openDatabase({ url: postgresDb.url });
    dir = await mkdtemp(path.join(os.tmpdir(), "sweep-resume-"));
    await ensurePipeline(nats.nc, { prefix: nats.prefix, ackWaitMs: 2000, maxDeliver: 3 });
    env = { SWEEP_NATS_PREFIX: nats.prefix, DATABASE_URL: postgresDb.url, NATS_URL };
  });

  afterAll(async () => {
    await worker?.stop();
    await recorder?.stop();
    await database?.close();
    await postgresDb?.dispose();
    await nats?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("re-queues only the unfinished trials no worker holds, and each is trained once", async () => {
    const names = await ensurePipeline(nats.nc, { prefix: nats.prefix });
    const { sweep, trials } = planSweep(parseSweepConfig(sweepYaml("resumable", SOURCES, 3), "resumable.yaml"));
    const [held, cancelled, lost] = trials;
    if (!held || !cancelled || !lost) throw new Error("three trials expected");
    // v0's message is still queued; v1 was cancelled; v2's message was lost (e.g. NATS lost its stream).
    await createSweep(database, sweep, trials);
    await publishTrials(nats.nc, names, [held]);
    await database.query(sql`UPDATE trials SET status = 'cancelled' WHERE id = ${cancelled.id}`);
    // v1 was cancelled after epoch 2: its checkpoint (the synthetic trainer's: the epoch) is kept.
    const checkpoint = new Uint8Array(4);
    new DataView(checkpoint.buffer).setUint32(0, 2);
    await (await new Objm(nats.nc).open(names.checkpointBucket)).putBlob({ name: cancelled.id }, checkpoint);

    const resume = await runSweep(["resume", sweep.id], env);
    expect(resume.code, resume.stderr).toBe(0);
    expect(resume.stdout).toBe(`re-queued 2 unfinished trials of sweep ${sweep.id} (1 still queued on NATS)\n`);
    const stream = await (await jetstreamManager(nats.nc)).streams.info(names.trialsStream);
    expect(stream.state.messages).toBe(3);

    recorder = await startRecorder({
      nc: nats.nc,
      names,
      recordEvents: async (events) => void (await recordEvents(database, events)),
      recordHeartbeats: async () => {},
    });
    worker = await startWorker({
      nc: nats.nc,
      trainer: inProcessSyntheticTrainer(2),
      backend: "cpu",
      prefix: nats.prefix,
      id: "resumer",
      fetchExpiresMs: 1000,
    });
    const rows = await waitForSweepFinished(database, sweep.id);
    expect(rows.map((row) => [row.trial_name, row.status, row.last_epoch]).sort()).toEqual([
      ["v0", "completed", 3],
      ["v1", "completed", 3],
      ["v2", "completed", 3],
    ]);
    const attempts = await database.query<{ attempt: number }>(
      sql`SELECT attempt FROM trials WHERE sweep_id = ${sweep.id}`,
    );
    expect(attempts.map((row) => row.attempt)).toEqual([1, 1, 1]);
    // The re-queued message is a first delivery, yet v1 went on from its checkpoint: only epoch 3 was trained.
    const trained = await database.query<{ name: string; epochs: number[] }>(
      sql`SELECT t.name, array_agg(e.epoch ORDER BY e.epoch) AS epochs FROM trials t JOIN epochs e ON e.trial_id = t.id WHERE t.sweep_id = ${sweep.id} GROUP BY t.name ORDER BY t.name`,
    );
    expect(trained).toEqual([
      { name: "v0", epochs: [1, 2, 3] },
      { name: "v1", epochs: [3] },
      { name: "v2", epochs: [1, 2, 3] },
    ]);
  });

  it("refuses to launch a changed config under an existing sweep's name, with a one-line way on", async () => {
    const config = path.join(dir, "changing.yaml");
    await writeFile(config, sweepYaml("changing", SOURCES, 2));
    const first = await runSweep(["launch", config], env);
    expect(first.code, first.stderr).toBe(0);
    const sweepId = first.stdout.trim();

    await writeFile(config, sweepYaml("changing", SOURCES, 3));
    const changed = await runSweep(["launch", config], env);
    expect(changed.code).toBe(2);
    expect(changed.stdout).toBe("");
    // The first sweep's status depends on whether the worker of the test above took it yet.
    expect(changed.stderr.replace(/ \((queued|running|completed)\) /, " (status) ")).toBe(
      `sweep: ${config}: sweep ${sweepId} (status) was launched from an earlier version of this config (name "changing"); ` +
        `use --new to start another sweep of the changed config, or \`sweep resume ${sweepId}\` to finish the old one\n`,
    );

    const anew = await runSweep(["launch", "--new", config], env);
    expect(anew.code, anew.stderr).toBe(0);
    expect(anew.stdout.trim()).not.toBe(sweepId);
  });
});
