import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type NatsServer,
  type PostgresServer,
  sleep,
  startNatsServer,
  startPostgresServer,
} from "./support/servers.js";
import { describeFigures, FaultPipeline, reportFigures, SYNTHETIC_TASK } from "./support/sweep.js";

const TRIALS = 12;
const EPOCHS = 10;
/** Shrunk from the issue's 30 s: the recorder's backoff (capped at 10 s) is exercised either way. */
const OUTAGE_MS = 8000;

describe("fault 10: PostgreSQL stopped mid-sweep", () => {
  let nats: NatsServer;
  let postgres: PostgresServer;
  let dir: string;
  let p: FaultPipeline | undefined;

  beforeAll(async () => {
    nats = await startNatsServer();
    postgres = await startPostgresServer();
    dir = await mkdtemp(path.join(os.tmpdir(), "sweep-faults-"));
  });

  afterAll(async () => {
    await p?.dispose();
    await postgres?.dispose();
    await nats?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("holds every event unacked while the database is down, loses nothing, and drains the backlog after", async () => {
    p = await FaultPipeline.create({
      natsUrl: nats.url,
      databaseUrl: postgres.url,
      dir,
      prefix: "f10",
      settings: { ackWaitMs: 2000, maxDeliver: 5 },
    });
    let serve = await p.serve();
    // postgres.js 3.4.9 can crash the process when the server closes a connection in the
    // middle of a transaction (porsager/postgres#1133: TypeError in nextWrite). The events
    // wait in JetStream meanwhile; the test restarts serve as a supervisor would, and counts it.
    let serveCrashes = 0;
    let crashOutput = "";
    const superviseServe = async () => {
      if (serve.child.exitCode === null && serve.child.signalCode === null) return;
      serveCrashes++;
      crashOutput =
        serve
          .output()
          .split("\n")
          .find((line) => line.includes("TypeError")) ?? crashOutput;
      serve = (await p?.serve()) as typeof serve;
    };
    await p.worker(SYNTHETIC_TASK);
    await p.worker(SYNTHETIC_TASK);
    const sweepId = await p.launch("pg-outage", Array(TRIALS).fill("synthetic:epoch_ms=100"), EPOCHS);
    await sleep(1500);
    await postgres.server.stop("SIGINT");
    const jsm = await jetstreamManager(await p.nc());
    await sleep(OUTAGE_MS);
    const held = await jsm.consumers.info(p.names.eventsStream, p.names.recorderConsumer);
    const backlog = held.num_pending + held.num_ack_pending;
    await postgres.server.start();
    const backAt = Date.now();
    await superviseServe();
    let drainMs = Number.NaN;
    for (let tries = 0; tries < 300; tries++) {
      const info = await jsm.consumers.info(p.names.eventsStream, p.names.recorderConsumer);
      if (info.num_pending === 0 && info.num_ack_pending === 0) {
        drainMs = Date.now() - backAt;
        break;
      }
      await superviseServe();
      await sleep(100);
    }
    await p.waitForTerminal(sweepId, 30_000);
    const f = await p.figures(sweepId);
    const retries = p.processes
      .filter((child) => child.output().startsWith("recording"))
      .reduce((sum, child) => sum + (child.output().match(/recording \d+ events failed, retrying/g) ?? []).length, 0);
    reportFigures(
      `fault 10 Postgres stopped ${OUTAGE_MS / 1000} s mid-sweep (shrunk from 30 s): events held unacked at the end of the outage ${backlog}, recorder retries ${retries}, backlog drained ${drainMs} ms after Postgres returned, sweep serve crashed and restarted ${serveCrashes} times${serveCrashes > 0 ? ` (${crashOutput.trim()}: postgres.js bug, docs/faults.md)` : ""}, ${describeFigures(f)}, lost by the recorder ${f.epochsNotRecorded}`,
    );
    expect(backlog).toBeGreaterThan(0);
    expect(retries + serveCrashes).toBeGreaterThan(0);
    expect(Number.isFinite(drainMs), serve.output().slice(-3000)).toBe(true);
    expect(f.lost).toBe(0);
    expect(f.completed).toBe(TRIALS);
    expect(f.epochRows).toBe(TRIALS * EPOCHS);
    expect(f.duplicateEpochRows).toBe(0);
    expect(f.epochsNotRecorded).toBe(0);
    expect(serve.child.exitCode).toBe(null);
  });
});
