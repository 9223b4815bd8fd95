import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { ensurePipeline, type PipelineNames } from "@sweep/protocol";
import { openDatabase, type SweepDatabase, sql } from "@sweep/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  freshPostgresDatabase,
  runSweep,
  type SweepProcess,
  SYNTHETIC_TASK,
  startSweep,
  sweepYaml,
} from "../../test/cli-processes.js";
import { NATS_URL, natsForTest, waitForSweepFinished } from "../../test/pipeline.js";

const EPOCHS = 4;

/** How long a wait below may take: 10× what a trial start or a heartbeat copy (2 s + 2 s) takes. */
const WAIT_MS = 40_000;

/** Waits for a trial of the sweep in `status`, trained by `worker` when given. */
async function waitForStatus(database: SweepDatabase, sweepId: string, status: string, worker?: string) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const rows = await database.query(
      sql`SELECT 1 FROM trials WHERE sweep_id = ${sweepId} AND status = ${status}
          AND (${worker ?? null}::text IS NULL OR worker = ${worker ?? null})`,
    );
    if (rows.length > 0) return;
    if (Date.now() > deadline)
      throw new Error(`no ${status} trial ${worker ? `of ${worker} ` : ""}in sweep ${sweepId}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("the distributed pipeline: sweep launch, two sweep worker processes, sweep serve", () => {
  let nats: Awaited<ReturnType<typeof natsForTest>>;
  let postgresDb: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let database: SweepDatabase;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let names: PipelineNames;
  const services: SweepProcess[] = [];
  const workers: SweepProcess[] = [];

  beforeAll(async () => {
    nats = await natsForTest();
    postgresDb = await freshPostgresDatabase();
    database = await openDatabase({ url: postgresDb.url });
    dir = await mkdtemp(path.join(os.tmpdir(), "sweep-pipeline-"));
    // Short ack wait and few deliveries: failures show up in seconds, not minutes.
    names = await ensurePipeline(nats.nc, { prefix: nats.prefix, ackWaitMs: 2000, maxDeliver: 3 });
    env = { SWEEP_NATS_PREFIX: nats.prefix, DATABASE_URL: postgresDb.url, NATS_URL };
    const serve = startSweep(["serve"], env);
    services.push(serve);
    for (let i = 0; i < 2; i++) {
      workers.push(startSweep(["worker", "--threads", "2", "--backend", "cpu", "--task", SYNTHETIC_TASK], env));
    }
    await serve.waitFor("recording");
    for (const worker of workers) await worker.waitFor("threads, backend cpu");
  });

  afterAll(async () => {
    for (const child of [...workers, ...services]) if (child.child.exitCode === null) child.child.kill("SIGKILL");
    await database?.close();
    await postgresDb?.dispose();
    await nats?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("trains each of 6 trials exactly once across both workers; a relaunch publishes nothing", async () => {
    const config = path.join(dir, "six.yaml");
    await writeFile(config, sweepYaml("six", Array(6).fill("synthetic:epoch_ms=60"), EPOCHS));
    const launch = await runSweep(["launch", config], env);
    expect(launch.code, launch.stderr).toBe(0);
    const sweepId = launch.stdout.trim();
    expect(launch.stderr).toContain("queued 6 trials");

    const rows = await waitForSweepFinished(database, sweepId);
    expect(rows.map((row) => row.status)).toEqual(Array(6).fill("completed"));
    const [epochs] = await database.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM epochs e JOIN trials t ON t.id = e.trial_id WHERE t.sweep_id = ${sweepId}`,
    );
    expect(epochs?.n).toBe(6 * EPOCHS);
    const trials = await database.query<{ attempt: number; worker: string }>(
      sql`SELECT attempt, worker FROM trials WHERE sweep_id = ${sweepId}`,
    );
    expect(trials.map((trial) => trial.attempt)).toEqual(Array(6).fill(1));
    expect(new Set(trials.map((trial) => trial.worker)).size).toBe(2);
    // sweep serve copies the workers' heartbeats into the workers table every 2 s; once a
    // trial has started, a heartbeat names the backend the trainer reported, not --backend.
    let heartbeats: { id: string; threads: number; backend: string }[] = [];
    const reported = () => heartbeats.filter((worker) => worker.backend === "synthetic").length;
    for (const deadline = Date.now() + WAIT_MS; reported() < 2 && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      heartbeats = await database.query(
        sql`SELECT id, threads, backend FROM workers WHERE id = ANY(${[...new Set(trials.map((trial) => trial.worker))]})`,
      );
    }
    expect(heartbeats.map((worker) => [worker.threads, worker.backend])).toEqual([
      [2, "synthetic"],
      [2, "synthetic"],
    ]);

    // Exactly once on the wire too: per trial one started, EPOCHS epochs, one completed.
    const jsm = await jetstreamManager(nats.nc);
    const events = await jsm.streams.info(`${nats.prefix.toUpperCase()}_SWEEP_EVENTS`, {
      subjects_filter: `${nats.prefix}.sweep.event.${sweepId}.*`,
    });
    expect(Object.values(events.state.subjects ?? {})).toEqual(Array(6).fill(EPOCHS + 2));

    const relaunch = await runSweep(["launch", config], env);
    expect(relaunch.code).toBe(0);
    expect(relaunch.stdout.trim()).toBe(sweepId);
    expect(relaunch.stderr).toContain(`is already sweep ${sweepId}`);
    const trialsStream = await jsm.streams.info(`${nats.prefix.toUpperCase()}_SWEEP_TRIALS`);
    expect(trialsStream.state.messages).toBe(0);
  });

  it("records a deterministic failure after one delivery with its reason, and completes the rest", async () => {
    const config = path.join(dir, "broken.yaml");
    await writeFile(
      config,
      sweepYaml("broken", ["synthetic:epoch_ms=20", "synthetic:fail=deterministic", "synthetic:epoch_ms=20"], EPOCHS),
    );
    const launch = await runSweep(["launch", config], env);
    const sweepId = launch.stdout.trim();
    const rows = await waitForSweepFinished(database, sweepId);
    expect(rows.map((row) => [row.trial_name, row.status]).sort()).toEqual([
      ["v0", "completed"],
      ["v1", "failed"],
      ["v2", "completed"],
    ]);
    const [failed] = await database.query<{ error: string; attempt: number }>(
      sql`SELECT error, attempt FROM trials WHERE sweep_id = ${sweepId} AND status = 'failed'`,
    );
    expect(failed?.attempt).toBe(1);
    expect(failed?.error).toContain("synthetic deterministic failure");
  });

  it("sweep cancel stops running trials and drops queued ones; sweep retry trains them again", async () => {
    const config = path.join(dir, "cancel.yaml");
    const epochs = 30;
    // The trials wait for this file before their first epoch: the cancel surely finds
    // them running or queued, however late it arrives on a busy machine; the retry doesn't wait.
    const go = path.join(dir, "cancel-go");
    await writeFile(config, sweepYaml("cancel", Array(6).fill(`synthetic:epoch_ms=20,hold=${go}`), epochs));
    const sweepId = (await runSweep(["launch", config], env)).stdout.trim();
    await waitForStatus(database, sweepId, "running");

    const cancel = await runSweep(["cancel", sweepId], env);
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(cancel.stdout).toMatch(/queued trials cancelled, \d+ running trials told to stop/);
    const cancelled = await waitForSweepFinished(database, sweepId);
    expect(cancelled.map((row) => row.status)).toEqual(Array(6).fill("cancelled"));
    await writeFile(go, "");

    const retry = await runSweep(["retry", sweepId], env);
    expect(retry.code, retry.stderr).toBe(0);
    expect(retry.stdout).toContain(`re-queued 6 trials of sweep ${sweepId}`);
    const retried = await waitForSweepFinished(database, sweepId);
    expect(retried.map((row) => row.status)).toEqual(Array(6).fill("completed"));
    const [rows] = await database.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM epochs e JOIN trials t ON t.id = e.trial_id WHERE t.sweep_id = ${sweepId}`,
    );
    expect(rows?.n).toBe(6 * epochs);
  });

  it("a worker stopped mid-trial hands its trials back at once and another worker finishes them", async () => {
    const config = path.join(dir, "handback.yaml");
    const epochs = 20;
    await writeFile(config, sweepYaml("handback", Array(4).fill("synthetic:epoch_ms=100"), epochs));
    const stopping = workers[0] as SweepProcess;
    const stoppingId = /sweep worker (\S+): \d+ threads/.exec(stopping.output())?.[1];
    expect(stoppingId, stopping.output()).toBeDefined();
    const sweepId = (await runSweep(["launch", config], env)).stdout.trim();
    await waitForStatus(database, sweepId, "running", stoppingId);
    // "At once": the stopping worker naks its trials' messages (the server tells of each
    // nak), rather than leaving them to come back after the 2 s ack wait.
    const naks = nats.nc.subscribe(
      `$JS.EVENT.ADVISORY.CONSUMER.MSG_NAKED.${names.trialsStream}.${names.workersConsumer}`,
    );
    stopping.child.kill("SIGTERM");
    expect(await stopping.exited).toBe(0);

    const rows = await waitForSweepFinished(database, sweepId);
    await nats.nc.flush();
    naks.unsubscribe();
    expect(naks.getReceived()).toBeGreaterThanOrEqual(1);
    expect(rows.map((row) => row.status)).toEqual(Array(4).fill("completed"));
    const trials = await database.query<{ attempt: number; worker: string }>(
      sql`SELECT attempt, worker FROM trials WHERE sweep_id = ${sweepId}`,
    );
    expect(trials.some((trial) => trial.attempt === 2)).toBe(true);
    const [rowsRecorded] = await database.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM epochs e JOIN trials t ON t.id = e.trial_id WHERE t.sweep_id = ${sweepId}`,
    );
    expect(rowsRecorded?.n).toBe(4 * epochs);
  });

  it("stops workers and the recorder on SIGTERM with exit code 0", async () => {
    for (const child of [...workers, ...services]) child.child.kill("SIGTERM");
    const codes = await Promise.all([...workers, ...services].map((child) => child.exited));
    expect(codes).toEqual([0, 0, 0]);
  });
});
