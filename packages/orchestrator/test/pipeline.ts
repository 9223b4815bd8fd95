import { ensurePipeline, type PipelineNames, type PipelineSettings } from "@sweep/protocol";
import { natsForTest } from "@sweep/protocol/testing";
import { recordEvents, type SweepDatabase, trialRanking } from "@sweep/store";
import { postgresFactory } from "@sweep/store/testing";
import { afterAll, beforeAll } from "vitest";
import { type Recorder, type RecorderOptions, startRecorder } from "../src/nats/recorder.js";

/** The test NATS server (JetStream enabled). */
export { NATS_URL, natsForTest } from "@sweep/protocol/testing";

export { syntheticTrials } from "@sweep/worker/fixtures";

/**
 * For one test file: a private pipeline (NATS prefix) made with `settings`, a fresh
 * Postgres database and a recorder writing into it; all disposed after the file.
 * The fields are set in `beforeAll` (hooks a test file adds after this call run after
 * these, and their `afterAll` before the disposal).
 */
export function recordedPipeline(
  settings: Partial<PipelineSettings>,
  recorderOptions: Partial<Pick<RecorderOptions, "recordHeartbeats" | "onRecorded">> = {},
) {
  const databases = postgresFactory();
  const pipeline = {} as {
    nats: Awaited<ReturnType<typeof natsForTest>>;
    database: SweepDatabase;
    names: PipelineNames;
    recorder: Recorder;
  };
  beforeAll(async () => {
    pipeline.nats = await natsForTest();
    pipeline.database = await databases.open();
    pipeline.names = await ensurePipeline(pipeline.nats.nc, { ...settings, prefix: pipeline.nats.prefix });
    pipeline.recorder = await startRecorder({
      nc: pipeline.nats.nc,
      names: pipeline.names,
      recordEvents: async (events) => void (await recordEvents(pipeline.database, events)),
      recordHeartbeats: async () => {},
      ...recorderOptions,
    });
  });
  afterAll(async () => {
    await pipeline.recorder?.stop();
    await pipeline.nats?.dispose();
    await databases.dispose();
  });
  return pipeline;
}

/**
 * Polls until every trial of the sweep is terminal; returns the ranking rows. Fails after
 * `timeoutMs` (default 40 s: 10× the seconds of ack waits and backoffs a test's sweep
 * goes through, below the tests' 60 s timeout), naming the trials still open.
 */
export async function waitForSweepFinished(database: SweepDatabase, sweepId: string, timeoutMs = 40_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await trialRanking(database, sweepId);
    if (rows.length > 0 && rows.every((row) => !["queued", "running"].includes(row.status))) return rows;
    if (Date.now() > deadline) {
      throw new Error(`sweep ${sweepId} not finished: ${rows.map((row) => `${row.trial_id}=${row.status}`).join(" ")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
