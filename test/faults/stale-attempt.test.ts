import { jetstream } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import type { TrialEvent } from "@sweep/core";
import { type Recorder, startRecorder } from "@sweep/orchestrator/testing";
import { ensurePipeline } from "@sweep/protocol";
import { createSweep, type RecordOutcome, recordEvents, sql } from "@sweep/store";
import { events, newSweepId, trialSpecs } from "@sweep/store/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NatsServer, sleep, startNatsServer } from "./support/servers.js";
import { freshPostgresDatabase, openDatabase, reportFigures, type SweepDatabase } from "./support/sweep.js";

describe("fault 3: a stale attempt's late writes", () => {
  let nats: NatsServer;
  let nc: NatsConnection;
  let postgresDb: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let database: SweepDatabase;
  let recorder: Recorder | undefined;

  beforeAll(async () => {
    nats = await startNatsServer();
    nc = await connect({ servers: nats.url });
    postgresDb = await freshPostgresDatabase();
    database = await openDatabase({ url: postgresDb.url });
  });

  afterAll(async () => {
    await recorder?.stop();
    await nc?.close();
    await database?.close();
    await postgresDb?.dispose();
    await nats?.dispose();
  });

  it("are rejected by the recorder: one terminal transition, every row from the newer attempt", async () => {
    const names = await ensurePipeline(nc, { prefix: "f3", recorderAckWaitMs: 3000 });
    const outcomes: { event: TrialEvent; outcome: RecordOutcome }[] = [];
    recorder = await startRecorder({
      nc,
      names,
      recordEvents: async (batch) => {
        const results = await recordEvents(database, batch);
        for (const [i, event] of batch.entries()) outcomes.push({ event, outcome: results[i] as RecordOutcome });
      },
      recordHeartbeats: async () => {},
    });
    const sweepId = newSweepId();
    const [trial] = trialSpecs(sweepId, 1);
    if (!trial) throw new Error("no trial");
    await createSweep(database, { id: sweepId, name: "stale", config: {}, configHash: "h3" }, [trial]);
    const js = jetstream(nc);
    let sent = 0;
    const send = async (...batch: TrialEvent[]) => {
      for (const event of batch) {
        const epoch = event.type === "epoch" ? event.metrics.epoch : "";
        await js.publish(names.eventSubject(sweepId, trial.id), JSON.stringify(event), {
          msgID: `${event.trialId}.${event.attempt}.${event.type}${epoch}`,
        });
      }
      sent += batch.length;
      for (let tries = 0; tries < 100 && outcomes.length < sent; tries++) await sleep(50);
    };
    const row = async () =>
      (
        await database.query<{ status: string; attempt: number }>(
          sql`SELECT status, attempt FROM trials WHERE id = ${trial.id}`,
        )
      )[0];

    // Attempt 1 trains two epochs, then its heartbeats stop; attempt 2 starts from scratch.
    await send(events.started(trial, 1), events.epoch(trial, 1, 0.5, 1), events.epoch(trial, 2, 0.4, 1));
    await send(events.started(trial, 2, 0));
    // Attempt 1 was only slow: its late writes arrive now.
    const staleFrom = outcomes.length;
    await send(events.epoch(trial, 3, 0.3, 1), events.completed(trial, 1), events.failed(trial, false, 1));
    const staleOutcomes = outcomes.slice(staleFrom).map((o) => o.outcome);
    const afterStale = await row();
    await send(
      events.epoch(trial, 1, 0.45, 2),
      events.epoch(trial, 2, 0.35, 2),
      events.epoch(trial, 3, 0.25, 2),
      events.completed(trial, 2),
    );
    const final = await row();
    const epochRows = await database.query<{ epoch: number; attempt: number }>(
      sql`SELECT epoch, attempt FROM epochs WHERE trial_id = ${trial.id} ORDER BY epoch`,
    );
    const terminal = outcomes.filter(
      (o) => ["completed", "failed", "cancelled", "pruned"].includes(o.event.type) && o.outcome === "applied",
    ).length;
    reportFigures(
      `fault 3 stale attempt's late writes (epoch, completed, failed of attempt 1 after attempt 2 started): ${staleOutcomes.filter((o) => o === "stale").length}/3 rejected as stale, trial stayed ${afterStale?.status} at attempt ${afterStale?.attempt}; terminal transitions ${terminal}, final ${final?.status} at attempt ${final?.attempt}, epoch rows ${epochRows.map((r) => `${r.epoch}@${r.attempt}`).join(" ")}`,
    );
    expect(staleOutcomes).toEqual(["stale", "stale", "stale"]);
    expect(afterStale).toEqual({ status: "running", attempt: 2 });
    expect(terminal).toBe(1);
    expect(final).toEqual({ status: "completed", attempt: 2 });
    expect(epochRows).toEqual([
      { epoch: 1, attempt: 2 },
      { epoch: 2, attempt: 2 },
      { epoch: 3, attempt: 2 },
    ]);
  });
});
