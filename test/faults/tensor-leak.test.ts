import type { TrialSpec } from "@sweep/core";
import type { BackendChoice } from "@sweep/worker";
import { TrainingPool, tensorflowInstalled, trialOf } from "@sweep/worker";
import { afterAll, describe, expect, it } from "vitest";
import { reportFigures } from "./support/sweep.js";

const TRIALS = 50;
const MB = 1024 * 1024;

function tinyTrial(i: number): TrialSpec {
  return trialOf(
    `t${i}`,
    { conv: [{ filters: 2 + (i % 3), kernel: 3, strides: 1, padding: "valid", activation: "relu" }], dense: [] },
    { training: { epochs: 1, batch_size: 64, seed: i }, dataset: { train_limit: 256, test_limit: 128 } },
  );
}

const nativeSkipped = !tensorflowInstalled() && process.env.SWEEP_EXPECT_NATIVE !== "1";

// The two engines; the cpu backend takes ~3 s per tiny trial here.
describe.each<BackendChoice>(["tensorflow", "wasm"])("fault 14: 50 trials on one training thread on %s", (backend) => {
  const pool = new TrainingPool({
    threads: 1,
    backend,
    taskFile: new URL("./support/tensor-count-task.mjs", import.meta.url),
    shareDatasets: true,
  });
  afterAll(() => pool.close());

  it.skipIf(backend === "tensorflow" && nativeSkipped)(
    "leaves the tfjs tensor count at its baseline after every trial and RSS bounded",
    async () => {
      const tensors: number[] = [];
      const rss: number[] = [];
      for (let i = 0; i < TRIALS; i++) {
        const outcome = (await pool.train(tinyTrial(i), { onProgress: () => {} })) as unknown as {
          status: string;
          numTensors: number;
          rss: number;
        };
        expect(outcome).toMatchObject({ status: "completed", backend });
        tensors.push(outcome.numTensors);
        rss.push(outcome.rss);
      }
      const baseline = tensors[0] as number;
      const off = tensors.filter((n) => n !== baseline).length;
      const firstTen = Math.max(...rss.slice(0, 10)) / MB;
      const lastTen = Math.max(...rss.slice(-10)) / MB;
      reportFigures(
        `fault 14 ${TRIALS} trials on one ${backend} thread: tfjs tensors after each trial ${baseline} (baseline, after trial 1) .. min ${Math.min(...tensors)} max ${Math.max(...tensors)}, trials off baseline ${off}; RSS max over trials 1-10 ${firstTen.toFixed(0)} MB, over trials ${TRIALS - 9}-${TRIALS} ${lastTen.toFixed(0)} MB (growth ${(lastTen - firstTen).toFixed(0)} MB)`,
      );
      expect(off).toBe(0);
      expect(lastTen - firstTen).toBeLessThan(200);
    },
  );
});
