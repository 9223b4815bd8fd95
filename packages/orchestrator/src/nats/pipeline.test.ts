import { recordHeartbeat, sql } from "@sweep/store";
import { newSweepId } from "@sweep/store/testing";
import { type SweepWorker, startWorker } from "@sweep/worker";
import { inProcessSyntheticTrainer } from "@sweep/worker/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordedPipeline, syntheticTrials, waitForSweepFinished } from "../../test/pipeline.js";
import { launchSweep } from "./launch.js";

describe("the pipeline in one process (consumer, recorder, Postgres)", () => {
  const pipeline = recordedPipeline(
    { ackWaitMs: 2000, maxDeliver: 3 },
    {
      recordHeartbeats: async (heartbeats) => {
        for (const heartbeat of heartbeats) await recordHeartbeat(pipeline.database, heartbeat);
      },
    },
  );
  const workers: SweepWorker[] = [];

  beforeAll(async () => {
    for (const id of ["w-a", "w-b"]) {
      workers.push(
        await startWorker({
          nc: pipeline.nats.nc,
          trainer: inProcessSyntheticTrainer(2),
          backend: "cpu",
          prefix: pipeline.nats.prefix,
          id,
          fetchExpiresMs: 1000,
        }),
      );
    }
  });

  afterAll(async () => {
    for (const worker of workers) await worker.stop();
  });

  it("trains every trial once, records every epoch, and a relaunch publishes nothing", async () => {
    const { nats, names, database } = pipeline;
    const sweepId = newSweepId();
    const trials = syntheticTrials(sweepId, 6, 4);
    const sweep = { id: sweepId, name: "six", config: {}, configHash: `h-${sweepId}` };
    const launched = await launchSweep(database, nats.nc, names, sweep, trials);
    expect(launched).toMatchObject({ created: true, published: 6, duplicates: 0 });

    const rows = await waitForSweepFinished(database, sweepId);
    expect(rows.map((row) => row.status)).toEqual(Array(6).fill("completed"));
    const [epochs] = await database.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM epochs WHERE trial_id LIKE ${`${sweepId}-%`}`,
    );
    expect(epochs?.n).toBe(6 * 4);
    const attempts = await database.query<{ attempt: number }>(
      sql`SELECT attempt FROM trials WHERE sweep_id = ${sweepId}`,
    );
    expect(attempts.every((row) => row.attempt === 1)).toBe(true);

    const again = await launchSweep(database, nats.nc, names, sweep, trials);
    expect(again).toMatchObject({ created: false });
  });

  it("gives up on a transient failure after max_deliver deliveries, with the last error", async () => {
    const { nats, names, database } = pipeline;
    const sweepId = newSweepId();
    const trials = syntheticTrials(sweepId, 1, 3, "fail=transient");
    await launchSweep(
      database,
      nats.nc,
      names,
      { id: sweepId, name: "flaky", config: {}, configHash: sweepId },
      trials,
    );

    await waitForSweepFinished(database, sweepId);
    const [failed] = await database.query<{ status: string; error: string; attempt: number }>(
      sql`SELECT status, error, attempt FROM trials WHERE id = ${trials[0].id}`,
    );
    expect(failed).toMatchObject({ status: "failed", attempt: 3 });
    expect(failed?.error).toContain("synthetic transient failure");
  });
});
