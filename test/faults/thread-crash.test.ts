import { CRASHING_TASK } from "@sweep/worker/fixtures";
import { describe, expect, it } from "vitest";
import { useFaultEnvironment } from "./support/environment.js";
import { reportFigures } from "./support/sweep.js";

describe("fault 11: a training thread crashes", () => {
  const env = useFaultEnvironment();

  it("hands the trial back for a retry, refills the pool, and keeps the worker process up", async () => {
    const maxDeliver = 2;
    const p = await env.pipeline("f11", { ackWaitMs: 2000, maxDeliver });
    await p.serve();
    // One thread: every trial after a crash runs on the thread that replaced it.
    const worker = await p.worker(CRASHING_TASK, 1);
    const pid = worker.child.pid;
    const sweepId = await p.launch("crash", ["crash:exit", "ok", "crash:uncaught", "ok", "ok"], 1);
    const trials = await p.waitForTerminal(sweepId, 60_000);
    const crashed = trials.filter((trial) => trial.name === "v0" || trial.name === "v2");
    const others = trials.filter((trial) => !crashed.includes(trial));
    const f = await p.figures(sweepId);
    reportFigures(
      `fault 11 thread crash (process.exit, uncaught error; out of memory only in pool.test.ts): crashed trials attempts ${crashed.map((t) => t.attempt).join("+")} of maxDeliver ${maxDeliver}, recorded ${crashed.map((t) => `${t.status} ${JSON.stringify(t.error?.slice(0, 70))}`).join(", ")}; other trials ${others.filter((t) => t.status === "completed").length}/${others.length} completed on the refilled 1-thread pool; deliveries ${f.startedEvents}; worker pid ${pid} still running ${worker.child.exitCode === null}, lost ${f.lost}`,
    );
    expect(crashed.map((trial) => [trial.status, trial.attempt])).toEqual([
      ["failed", maxDeliver],
      ["failed", maxDeliver],
    ]);
    for (const trial of crashed) expect(trial.error).toMatch(/training thread died/);
    expect(others.map((trial) => trial.status)).toEqual(["completed", "completed", "completed"]);
    expect(worker.child.exitCode).toBe(null);
    expect(f.lost).toBe(0);
  });
});
