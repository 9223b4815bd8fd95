import type { TrialSpec } from "@sweep/core";
import { afterAll, describe, expect, it } from "vitest";
import { TrainingPool } from "./pool.js";
import type { TrainProgress } from "./protocol.js";
import { trialOf } from "./reference-models.js";

// The pool runs the built .js files (dist/): build the package before running this test.
const crashingTask = new URL("../dist/fixtures/crashing-task.js", import.meta.url);

function smallTrial(name: string, epochs: number, trainLimit: number): TrialSpec {
  return trialOf(
    name,
    { conv: [{ filters: 8, kernel: 3, strides: 1, padding: "valid", activation: "relu" }], dense: [32] },
    { training: { epochs, batch_size: 64 }, dataset: { train_limit: trainLimit, test_limit: 200 } },
  );
}

const fixtureTrial = (source: string): TrialSpec => ({ ...smallTrial(source, 1, 100), dataset: { source } });

describe("TrainingPool", () => {
  const pool = new TrainingPool({ threads: 2, backend: "wasm" });
  afterAll(() => pool.close());

  it("trains two trials at once, one per thread, reporting progress of each", async () => {
    const events: string[] = [];
    const progressOf = (name: string) => (progress: TrainProgress) =>
      events.push(`${name} ${progress.type === "epoch" ? `epoch ${progress.metrics.epoch}` : "started"}`);
    // The long trial is stopped only once the short one, given to the pool after it, has
    // finished: one thread would train all 60,000 images of the long one first.
    const longFlag = new Int32Array(new SharedArrayBuffer(4));
    const long = pool.train(smallTrial("long", 3, 20_000), { cancelFlag: longFlag, onProgress: progressOf("long") });
    const short = await pool.train(smallTrial("short", 2, 600), { onProgress: progressOf("short") });
    Atomics.store(longFlag, 0, 1);
    expect(short).toMatchObject({ status: "completed", backend: "wasm", epochs: 2 });
    expect(await long).toMatchObject({ status: "cancelled", backend: "wasm" });
    expect(events.filter((event) => event.startsWith("short"))).toEqual([
      "short started",
      "short epoch 1",
      "short epoch 2",
    ]);
    expect(events).toContain("long started");
  });

  it("cancels a trial mid-epoch through its cancel flag", async () => {
    const cancelFlag = new Int32Array(new SharedArrayBuffer(4));
    const outcome = await pool.train(smallTrial("cancelled", 3, 20_000), {
      cancelFlag,
      // Raised as soon as the thread says it started: its first epoch of 20,000 images has begun.
      onProgress: (progress) => {
        if (progress.type === "started") Atomics.store(cancelFlag, 0, 1);
      },
    });
    expect(outcome).toEqual({ status: "cancelled", epoch: 0, backend: "wasm" });
  });

  it("keeps a trial's DeterministicTrialError recognisable across the thread boundary", async () => {
    const invalid = trialOf("invalid", {
      conv: [{ filters: 4, kernel: 30, strides: 1, padding: "valid", activation: "relu" }],
    });
    await expect(pool.train(invalid, { onProgress: () => {} })).rejects.toMatchObject({
      name: "DeterministicTrialError",
      message: "invalid layer stack: layer 0 (conv2d) window 30x30 does not fit its 28x28 input",
    });
  });
});

describe("TrainingPool with a crashing task", () => {
  const pool = new TrainingPool({
    threads: 2,
    backend: "cpu",
    taskFile: crashingTask,
    resourceLimits: { maxOldGenerationSizeMb: 64 },
  });
  afterAll(() => pool.close());

  it.each(["crash:exit", "crash:uncaught", "crash:oom"])(
    "rejects %s with a transient error, and the refilled pool trains on",
    async (source) => {
      await expect(pool.train(fixtureTrial(source), { onProgress: () => {} })).rejects.toMatchObject({
        name: "TrainingThreadError",
        message: expect.stringMatching(/^training thread died: /),
      });
      await expect(pool.train(fixtureTrial("ok"), { onProgress: () => {} })).resolves.toMatchObject({
        status: "completed",
      });
    },
  );

  it("passes a task's DeterministicTrialError on by name", async () => {
    await expect(pool.train(fixtureTrial("crash:deterministic"), { onProgress: () => {} })).rejects.toMatchObject({
      name: "DeterministicTrialError",
      message: "fixture: this trial can never succeed",
    });
  });
});

describe("TrainingPool with a task that fails after some epochs", () => {
  const pool = new TrainingPool({
    threads: 1,
    backend: "cpu",
    taskFile: new URL("../dist/fixtures/synthetic-task.js", import.meta.url),
  });
  afterAll(() => pool.close());

  it.each(["deterministic", "transient"])(
    "delivers every progress message posted before a %s failure rejects",
    async (fail) => {
      for (let run = 0; run < 5; run++) {
        const progress: string[] = [];
        const trial = { ...smallTrial("fails", 3, 100), dataset: { source: `synthetic:fail=${fail}` } };
        await expect(
          pool.train(trial, {
            onProgress: (p) => progress.push(p.type === "epoch" ? `epoch ${p.metrics.epoch}` : p.type),
          }),
        ).rejects.toThrow(/synthetic \w+ failure/);
        expect(progress).toEqual(["started", "epoch 1"]);
      }
    },
  );
});
