import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TrialSpec } from "@sweep/core";
import { sql } from "@sweep/store";
import { newSweepId, pgliteFactory } from "@sweep/store/testing";
import { type BackendChoice, TrainingPool, type TrialTrainer, tensorflowInstalled, trialOf } from "@sweep/worker";
import { afterAll, describe, expect, it } from "vitest";
import { runLocally } from "./run-local.js";

const nativeSkipped = !tensorflowInstalled() && process.env.SWEEP_EXPECT_NATIVE !== "1";

const EPOCHS = 6;
/** The interrupted run is cancelled when this epoch's progress arrives; the thread may finish the next ones first. */
const STOP_AFTER_EPOCH = 2;

/** A real (small) trial of its own sweep: every sweep trains the same spec from the same seed. */
function smallTrial(sweepId: string): TrialSpec {
  const spec = trialOf(
    "resume",
    { conv: [{ filters: 4, kernel: 3, strides: 1, padding: "valid", activation: "relu" }], dense: [16] },
    { training: { epochs: EPOCHS, batch_size: 64, seed: 11 }, dataset: { train_limit: 640, test_limit: 128 } },
  );
  return { ...spec, id: `${sweepId}-t000`, sweepId };
}

describe.each<BackendChoice>(["tensorflow", "wasm"])("sweep run resumes a real trial on %s", (backend) => {
  const databases = pgliteFactory();
  const dirs: string[] = [];
  afterAll(async () => {
    await databases.dispose();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it.skipIf(backend === "tensorflow" && nativeSkipped)(
    "interrupted mid-run and resumed from its checkpoint, it records the epochs of an uninterrupted run",
    async () => {
      const database = await databases.open();
      const checkpointDir = await mkdtemp(path.join(os.tmpdir(), "sweep-resume-"));
      dirs.push(checkpointDir);
      const pool = new TrainingPool({ threads: 1, backend });
      try {
        const runSweep = (sweepId: string, stopAfterEpoch?: number) => {
          const started: number[] = [];
          // Cancelled as the epoch's progress arrives from the thread, before it is recorded.
          const trainer: TrialTrainer = {
            threads: pool.threads,
            close: () => pool.close(),
            train: (trial, options) =>
              pool.train(trial, {
                ...options,
                onProgress: (progress) => {
                  options.onProgress(progress);
                  if (progress.type === "epoch" && progress.metrics.epoch === stopAfterEpoch) run.cancel();
                },
              }),
          };
          const run = runLocally({
            database,
            trainer,
            sweep: { id: sweepId, name: sweepId, config: {}, configHash: sweepId },
            trials: [smallTrial(sweepId)],
            worker: "here",
            checkpointDir,
            onEvent: (event) => {
              if (event.type === "started") started.push(event.resumeFromEpoch);
            },
          });
          return run.finished.then(() => started);
        };
        const whole = newSweepId();
        await runSweep(whole);
        const interrupted = newSweepId();
        await runSweep(interrupted, STOP_AFTER_EPOCH);
        const afterCancel = (await epochRows(interrupted)).map((row) => row.epoch);
        const stoppedAt = afterCancel.length;
        expect(afterCancel).toEqual(Array.from({ length: stoppedAt }, (_, i) => i + 1));
        expect(stoppedAt).toBeGreaterThanOrEqual(STOP_AFTER_EPOCH);
        expect(stoppedAt, "the cancel came after the last epoch").toBeLessThan(EPOCHS);
        expect((await outcome(interrupted))[0]?.status).toBe("cancelled");
        expect(await runSweep(interrupted)).toEqual([stoppedAt]);

        const [expected, resumed] = [await epochRows(whole), await epochRows(interrupted)];
        expect(expected.map((row) => row.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
        expect(resumed).toEqual(expected);
        expect(await outcome(interrupted)).toEqual(await outcome(whole));
      } finally {
        await pool.close();
      }

      async function epochRows(sweepId: string) {
        return database.query<{
          epoch: number;
          loss: number;
          accuracy: number;
          val_loss: number;
          val_accuracy: number;
        }>(
          sql`SELECT epoch, loss, accuracy, val_loss, val_accuracy FROM epochs WHERE trial_id = ${`${sweepId}-t000`} ORDER BY epoch`,
        );
      }
      async function outcome(sweepId: string) {
        return database.query<{ status: string; backend: string; test_loss: number; test_accuracy: number }>(
          sql`SELECT status, backend, test_loss, test_accuracy FROM trials WHERE id = ${`${sweepId}-t000`}`,
        );
      }
    },
    180_000,
  );
});
