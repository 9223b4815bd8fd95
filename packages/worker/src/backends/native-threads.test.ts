import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { describeOnBackends } from "../../test/backends.js";

/**
 * libtensorflow sizes its intra-op pool once per process, from the environment, so
 * each case runs in a fresh process: a TrainingPool thread trains a small trial, then
 * the process reports its thread count (an intra-op pool of n threads adds n − 1; one
 * thread computes on the caller's) and the CPU time of training against its wall time.
 */
const probe = `
import { readdirSync } from "node:fs";
import { TrainingPool, trialOf } from ${JSON.stringify(new URL("../../dist/index.js", import.meta.url).href)};
const intraOpThreads = process.argv[1] === "default" ? undefined : Number(process.argv[1]);
const pool = new TrainingPool({ threads: 1, backend: "tensorflow", intraOpThreads });
const trial = trialOf("threads", { conv: [{ filters: 32, kernel: 3, strides: 1, padding: "valid", activation: "relu" }], dense: [] },
  { training: { epochs: 2, batch_size: 64 }, dataset: { train_limit: 1500, test_limit: 100 } });
let started;
const outcome = await pool.train(trial, { onProgress: (p) => {
  if (p.type === "epoch" && p.metrics.epoch === 1) started = { wall: performance.now(), cpu: process.cpuUsage() };
} });
const cpu = process.cpuUsage(started.cpu);
const cpuPerWall = (cpu.user + cpu.system) / 1000 / (performance.now() - started.wall);
console.log(JSON.stringify({ backend: outcome.backend, threads: readdirSync("/proc/self/task").length, cpuPerWall }));
await pool.close();
`;

async function trainInFreshProcess(intraOpThreads: number | "default") {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--input-type=module", "-e", probe, String(intraOpThreads)],
    { env: { ...process.env, TF_NUM_INTRAOP_THREADS: "8" } },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as { backend: string; threads: number; cpuPerWall: number };
}

describeOnBackends(["tensorflow"], "intra-op threads", () => {
  it("a pool trains each trial on one TensorFlow thread unless told otherwise, whatever the environment says", async () => {
    const byDefault = await trainInFreshProcess("default");
    const one = await trainInFreshProcess(1);
    const three = await trainInFreshProcess(3);
    console.log(
      `threads in the process: default ${byDefault.threads}, 1 → ${one.threads}, 3 → ${three.threads}; training CPU/wall: default ${byDefault.cpuPerWall.toFixed(2)}, 3 → ${three.cpuPerWall.toFixed(2)}`,
    );
    expect([byDefault.backend, one.backend, three.backend]).toEqual(["tensorflow", "tensorflow", "tensorflow"]);
    expect(byDefault.threads).toBe(one.threads);
    expect(three.threads).toBe(one.threads + 2);
    // One computing thread: CPU time cannot exceed wall time by more than bookkeeping (GC, the main thread).
    expect(byDefault.cpuPerWall).toBeLessThan(1.3);
  }, 180_000);
});
