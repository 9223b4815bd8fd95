import type { TrialEvent } from "@sweep/core";
import { createSweep, listWorkers, trialRanking } from "@sweep/store";
import { newSweepId, pgliteFactory } from "@sweep/store/testing";
import { inProcessSyntheticTrainer } from "@sweep/worker/fixtures";
import { afterAll, describe, expect, it } from "vitest";
import { syntheticTrials } from "../../test/pipeline.js";
import { runEmbedded } from "./run-embedded.js";

describe("runEmbedded (in-process dispatch into PGlite)", () => {
  const databases = pgliteFactory();
  afterAll(() => databases.dispose());

  it("records every epoch and outcome through recordEvent, a failure included", async () => {
    const database = await databases.open();
    const sweepId = newSweepId();
    const trials = syntheticTrials(sweepId, 4, 3, "epoch_ms=1");
    trials[2] = { ...trials[2], dataset: { ...trials[2].dataset, source: "synthetic:fail=nan" } };
    await createSweep(database, { id: sweepId, name: "embedded", config: {}, configHash: sweepId }, trials);
    const seen: TrialEvent["type"][] = [];
    const run = runEmbedded({
      database,
      trainer: inProcessSyntheticTrainer(2),
      trials: trials.map((trial) => ({ trial, attempt: 1 })),
      worker: "embedded",
      onEvent: (event) => seen.push(event.type),
    });
    await run.finished;

    const rows = await trialRanking(database, sweepId);
    expect(rows.map((row) => [row.ordinal, row.status, row.last_epoch]).sort()).toEqual([
      [0, "completed", 3],
      [1, "completed", 3],
      [2, "failed", 1],
      [3, "completed", 3],
    ]);
    expect(seen.filter((type) => type === "epoch")).toHaveLength(3 * 3 + 1);
  });

  it("cancel() stops running trials and records them cancelled", async () => {
    const database = await databases.open();
    const sweepId = newSweepId();
    const trials = syntheticTrials(sweepId, 3, 50, "epoch_ms=20");
    await createSweep(database, { id: sweepId, name: "cancel", config: {}, configHash: sweepId }, trials);
    const run = runEmbedded({
      database,
      trainer: inProcessSyntheticTrainer(2),
      trials: trials.map((trial) => ({ trial, attempt: 1 })),
      worker: "embedded",
      onEvent: (event) => {
        if (event.type === "epoch" && event.metrics.epoch === 2) run.cancel();
      },
    });
    await run.finished;
    const rows = await trialRanking(database, sweepId);
    expect(rows.map((row) => row.status).sort()).toEqual(["cancelled", "cancelled", "queued"]);
  });

  it("writes the run's heartbeats into the workers table, as the recorder does a worker's", async () => {
    const database = await databases.open();
    const sweepId = newSweepId();
    const trials = syntheticTrials(sweepId, 2, 6, "epoch_ms=40");
    await createSweep(database, { id: sweepId, name: "heartbeats", config: {}, configHash: sweepId }, trials);
    const whileRunning: Array<{ status: string; trials: string[] }> = [];
    const run = runEmbedded({
      database,
      trainer: inProcessSyntheticTrainer(2),
      trials: trials.map((trial) => ({ trial, attempt: 1 })),
      worker: "local-run",
      backend: "auto",
      heartbeatMs: 50,
      onEvent: (event) => {
        if (event.type !== "epoch" || event.metrics.epoch !== 4) return;
        void listWorkers(database).then((rows) => whileRunning.push(...rows));
      },
    });
    await run.finished;
    expect(whileRunning.some((row) => row.status === "running" && row.trials.length > 0)).toBe(true);
    const [row, ...others] = await listWorkers(database);
    expect(others).toEqual([]);
    // The backend the trials reported (the synthetic trainer's), not the one expected.
    expect(row).toMatchObject({ id: "local-run", status: "stopped", threads: 2, backend: "synthetic", trials: [] });
  });
});
