import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { useBackend } from "../../test/backends.js";
import { loadDataset } from "../data/dataset.js";
import { trialOf } from "../reference-models.js";
import { trainTrial } from "../training/train-trial.js";
import { countBatch, newBatchClock, readBatchClock, startBatchClock } from "./batch-clock.js";

describe("the batch clock", () => {
  afterEach(() => vi.restoreAllMocks());

  it("keeps the first batch (warm-up included) apart from the slowest batch after it", () => {
    const now = vi.spyOn(performance, "now");
    const clock = newBatchClock();
    for (const at of [1000, 1500, 1600, 1900, 2000]) now.mockReturnValueOnce(at);
    startBatchClock(clock); // at 1000
    expect(readBatchClock(clock)).toMatchObject({ batches: 0, firstBatchMs: 0, slowestBatchMs: 0 });
    countBatch(clock); // 500 ms after the start: the first batch
    expect(readBatchClock(clock)).toMatchObject({ batches: 1, firstBatchMs: 500, slowestBatchMs: 0 });
    countBatch(clock); // 100
    countBatch(clock); // 300
    countBatch(clock); // 100
    expect(readBatchClock(clock)).toMatchObject({ batches: 4, firstBatchMs: 500, slowestBatchMs: 300 });
  });

  it("names no thread until a task starts on one (the main thread's id is 0: never watched)", () => {
    expect(readBatchClock(newBatchClock()).threadId).toBe(0);
  });
});

describe("the real trainer's batch count", () => {
  beforeAll(async () => {
    await useBackend("cpu");
  });

  it("counts every training batch and every batch of the validation and test passes", async () => {
    // 200 images, validation_split 0.1: 180 to train (3 batches of 64), 20 to validate (1);
    // 130 test images (3 batches). Two epochs: 2 × (3 + 1) + 3.
    const trial = trialOf(
      "counted",
      { conv: [{ filters: 2, kernel: 3, strides: 1, padding: "valid", activation: "relu" }], dense: [] },
      { training: { epochs: 2, batch_size: 64 }, dataset: { train_limit: 200, test_limit: 130 } },
    );
    let batches = 0;
    const outcome = await trainTrial({
      trial,
      dataset: await loadDataset("mnist"),
      backend: "cpu",
      cancelFlag: new Int32Array(1),
      post: () => {},
      onBatch: () => batches++,
    });
    expect(outcome.status).toBe("completed");
    expect(batches).toBe(2 * (3 + 1) + 3);
  });
});
