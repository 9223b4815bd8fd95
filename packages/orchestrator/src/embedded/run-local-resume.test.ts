import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TrialEvent } from "@sweep/core";
import { sql } from "@sweep/store";
import { newSweepId, pgliteFactory } from "@sweep/store/testing";
import { inProcessSyntheticTrainer } from "@sweep/worker/fixtures";
import { afterAll, describe, expect, it } from "vitest";
import { syntheticTrials } from "../../test/pipeline.js";
import { checkpointFiles } from "./checkpoint-files.js";
import { runLocally } from "./run-local.js";

describe("sweep run's checkpoint files", () => {
  const databases = pgliteFactory();
  const dirs: string[] = [];
  afterAll(async () => {
    await databases.dispose();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it("an interrupted run resumed later continues each trial after its last recorded epoch", async () => {
    const database = await databases.open();
    const checkpointDir = path.join(await mkdtemp(path.join(os.tmpdir(), "sweep-ckpt-")), "checkpoints");
    dirs.push(path.dirname(checkpointDir));
    const sweepId = newSweepId();
    const trials = syntheticTrials(sweepId, 2, 5, "epoch_ms=40");
    const sweep = { id: sweepId, name: "resume", config: {}, configHash: sweepId };
    const request = { database, trainer: inProcessSyntheticTrainer(2), sweep, trials, worker: "here", checkpointDir };

    const first = runLocally({
      ...request,
      onEvent: (event) => {
        if (event.type === "epoch" && event.metrics.epoch === 2) first.cancel();
      },
    });
    await first.finished;
    const stopped = await database.query<{ status: string; epochs: number }>(
      sql`SELECT status, (SELECT count(*)::int FROM epochs e WHERE e.trial_id = t.id) AS epochs FROM trials t WHERE sweep_id = ${sweepId} ORDER BY ordinal`,
    );
    expect(stopped.map((row) => row.status)).toEqual(["cancelled", "cancelled"]);
    // Each file holds the epoch the synthetic trainer reached: exactly the epochs recorded.
    for (const [index, trial] of trials.entries()) {
      const bytes = await readFile(path.join(checkpointDir, `${trial.id}.ckpt`));
      expect(new DataView(bytes.buffer, bytes.byteOffset).getUint32(0)).toBe(stopped[index]?.epochs);
    }

    const seen: TrialEvent[] = [];
    await runLocally({ ...request, onEvent: (event) => seen.push(event) }).finished;
    const resumedFrom = seen.flatMap((event) => (event.type === "started" ? [event.resumeFromEpoch] : []));
    expect(resumedFrom).toEqual(stopped.map((row) => row.epochs));
    const rows = await database.query<{ trial_id: string; epoch: number }>(
      sql`SELECT trial_id, epoch FROM epochs WHERE trial_id LIKE ${`${sweepId}-%`} ORDER BY trial_id, epoch`,
    );
    expect(rows.map((row) => `${row.trial_id.slice(-4)}:${row.epoch}`)).toEqual(
      trials.flatMap((trial) => [1, 2, 3, 4, 5].map((epoch) => `${trial.id.slice(-4)}:${epoch}`)),
    );
    const finished = await database.query<{ status: string }>(
      sql`SELECT status FROM trials WHERE sweep_id = ${sweepId}`,
    );
    expect(finished.map((row) => row.status)).toEqual(["completed", "completed"]);
    expect(await readdir(checkpointDir)).toEqual([]);
  });

  it("a new sweep ignores checkpoint files of an earlier database", async () => {
    const database = await databases.open();
    const checkpointDir = await mkdtemp(path.join(os.tmpdir(), "sweep-ckpt-"));
    dirs.push(checkpointDir);
    const sweepId = newSweepId();
    const trials = syntheticTrials(sweepId, 1, 3, "epoch_ms=1");
    const stale = new Uint8Array(4);
    new DataView(stale.buffer).setUint32(0, 2);
    await checkpointFiles(checkpointDir).save(trials[0]?.id ?? "", 2, stale);

    const seen: TrialEvent[] = [];
    await runLocally({
      database,
      trainer: inProcessSyntheticTrainer(1),
      sweep: { id: sweepId, name: "fresh", config: {}, configHash: sweepId },
      trials,
      worker: "here",
      checkpointDir,
      onEvent: (event) => seen.push(event),
    }).finished;
    expect(seen.filter((event) => event.type === "epoch")).toHaveLength(3);
    expect(seen.find((event) => event.type === "started")).toMatchObject({ resumeFromEpoch: 0 });
  });
});
