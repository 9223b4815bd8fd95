import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { TrialSpec } from "@sweep/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { syntheticTrials } from "./fixtures/index.js";
import { TrainingPool } from "./pool.js";
import { unstoppedThreadCount } from "./watchdog/unstopped-threads.js";

// The pool runs the built .js files (dist/): build the package before running this test.
const syntheticTask = new URL("../dist/fixtures/synthetic-task.js", import.meta.url);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "sweep-watchdog-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const trial = (name: string, epochs: number, knobs: string): TrialSpec => ({
  ...syntheticTrials("watchdog", 1, epochs, knobs)[0],
  id: `watchdog-${name}`,
});

/** Resolves once `check` holds, looking every 20 ms (the test's own timeout bounds it). */
async function eventually(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** A one-thread pool on the synthetic trainer with the watchdog's floor `stuckAfterMs`; its lines in `lines`. */
function watchedPool(stuckAfterMs: number, onStrandedThread?: (threadId: number) => void) {
  const lines: string[] = [];
  const pool = new TrainingPool({
    threads: 1,
    backend: "cpu",
    taskFile: syntheticTask,
    stuckAfterMs,
    log: (line) => lines.push(line),
    onStrandedThread,
  });
  return { pool, lines };
}

describe("TrainingPool's watchdog", () => {
  it("declares a trial whose thread stops completing batches stuck, in one line, and trains on a new thread", async () => {
    // A floor of 2 s: 6 s before the first batch, for a new thread to start even on a busy machine.
    const { pool, lines } = watchedPool(2000);
    try {
      // Two epochs (batches) in, the thread spins in JavaScript, which terminate() ends.
      const hanging = trial("js", 4, `epoch_ms=5,hang=${dir}/js,hang_epoch=3,hang_in=js`);
      const epochs: number[] = [];
      const onProgress = (p: { type: string; metrics?: { epoch: number } }) => {
        if (p.metrics) epochs.push(p.metrics.epoch);
      };
      await expect(pool.train(hanging, { onProgress })).rejects.toMatchObject({
        name: "TrialStuckError",
        message: expect.stringMatching(
          /^training thread \d+ completed no batch for [\d.]+ s \(allowed [\d.]+ s after 2 batches, slowest [\d.]+ s\)$/,
        ),
      });
      expect(epochs).toEqual([1, 2]);
      expect(lines[0]).toMatch(/^trial watchdog-js is stuck: training thread \d+ completed no batch for [\d.]+ s/);
      // The terminated thread exits; its replacement trains the trial's next attempt (the hang was once).
      await eventually(() => unstoppedThreadCount() === 0);
      await expect(pool.train(hanging, { onProgress: () => {} })).resolves.toMatchObject({ status: "completed" });
    } finally {
      await pool.close();
    }
  });

  it("reports a thread blocked in native code that terminate() cannot stop, and counts it until it exits", async () => {
    const stranded: number[] = [];
    // A floor of 2 s: 6 s before the first batch, for a new thread to start even on a busy machine.
    const { pool, lines } = watchedPool(2000, (threadId) => stranded.push(threadId));
    const release = path.join(dir, "release-native");
    try {
      // A trial first, so that the thread has loaded its task module: the next one blocks
      // before its deadline, before its first batch, in a synchronous child process until `release` exists.
      await pool.train(trial("warm-up", 1, "epoch_ms=5"), { onProgress: () => {} });
      const blocked = trial("native", 2, `epoch_ms=5,hang=${dir}/native,hang_until=${release}`);
      await expect(pool.train(blocked, { onProgress: () => {} })).rejects.toMatchObject({
        name: "TrialStuckError",
        message: expect.stringContaining("before its first batch"),
      });
      await eventually(() => stranded.length > 0);
      expect(unstoppedThreadCount()).toBe(1);
      expect(lines).toEqual([
        expect.stringMatching(new RegExp(`^trial watchdog-native is stuck: training thread ${stranded[0]} `)),
        expect.stringMatching(
          new RegExp(`^training thread ${stranded[0]} did not stop within [\\d.]+ s of being terminated`),
        ),
      ]);
      // Meanwhile the pool trains on the thread Piscina started in its place.
      await expect(pool.train(blocked, { onProgress: () => {} })).resolves.toMatchObject({ status: "completed" });
      // Once the native call returns, V8's termination takes effect and the thread exits.
      await writeFile(release, "");
      await eventually(() => unstoppedThreadCount() === 0);
      expect(stranded).toHaveLength(1);
    } finally {
      await writeFile(release, "");
      await pool.close();
    }
  });

  it("never declares stuck a trial that keeps completing batches, nor one still queued for a thread", async () => {
    const { pool, lines } = watchedPool(1000);
    try {
      // The thread loads its task module first (a busy machine may take seconds to).
      await pool.train(trial("warm-up", 1, "epoch_ms=5"), { onProgress: () => {} });
      // Each runs 80 epochs of at least 40 ms, longer than the 3 s warm-up deadline: the second waits that long for the thread.
      const outcomes = await Promise.all(
        ["first", "queued"].map((name) => pool.train(trial(name, 80, "epoch_ms=40"), { onProgress: () => {} })),
      );
      expect(outcomes.map((outcome) => outcome.status)).toEqual(["completed", "completed"]);
      expect(lines).toEqual([]);
    } finally {
      await pool.close();
    }
  });
});

describe("exitProcess", () => {
  it("ends a process whose terminated thread is blocked in native code, with the status asked for", async () => {
    // Node's own exit would wait for the thread, which waits for a child that lives as long as the process.
    const unstopped = new URL("../dist/watchdog/unstopped-threads.js", import.meta.url).href;
    const script = `
      import { Worker } from "node:worker_threads";
      import { exitProcess, trackTerminatedThread, unstoppedThreadCount } from ${JSON.stringify(unstopped)};
      const thread = new Worker(
        'import("node:child_process").then((cp) => cp.spawnSync("sh", ["-c", "while kill -0 $PPID; do sleep 0.1; done"]));',
        { eval: true },
      );
      thread.once("online", () => setTimeout(() => {
        thread.terminate();
        trackTerminatedThread(thread);
        process.stdout.write("unstopped " + unstoppedThreadCount() + "\\n");
        exitProcess(3);
      }, 200));
    `;
    const child = promisify(execFile)(process.execPath, ["--input-type=module", "-e", script]);
    const result = await child.then(
      () => ({ code: 0, stdout: "" }),
      (error: { code: number; stdout: string }) => error,
    );
    expect(result).toMatchObject({ code: 3, stdout: "unstopped 1\n" });
  });
});
