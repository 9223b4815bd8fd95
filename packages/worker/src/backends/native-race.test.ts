import { spawn } from "node:child_process";
import { expect, it } from "vitest";
import { describeOnBackends } from "../../test/backends.js";
import { nativeAddon } from "./native-addon.js";

/**
 * tfjs-node's stock binding inserts every op attribute's name into one process-wide,
 * unlocked std::set; two threads running their first ops together corrupt it, and the
 * process spins forever or crashes (infra/native/patch-binding.mjs). Each attempt is a
 * fresh process (the set lives as long as the process, and a small set is the most
 * fragile) whose threads load the addon itself (what a training thread's tfjs-node
 * loads, without tfjs' JavaScript, so an attempt costs about a second), meet at a
 * barrier (SharedArrayBuffer + Atomics) and then run their first ops together: a real
 * one (MatMul), then ops with fresh attribute names, which keep the window open (each
 * stops in the binding at an unknown attribute type, after its names are inserted, and
 * never runs). An attempt that hangs is killed at its timeout and fails the test, like
 * one that crashes. A stock addon fails within a few attempts (docs/benchmarks.md).
 */
const ATTEMPTS = 12;
const THREADS = 12;
const ATTEMPT_TIMEOUT_MS = 30_000;

const threadScript = `
const { workerData, parentPort } = require("node:worker_threads");
const binding = require(workerData.addon);
const { barrier, index, threads } = workerData;
if (Atomics.add(barrier, 0, 1) + 1 === threads) {
  Atomics.store(barrier, 1, 1);
  Atomics.notify(barrier, 1);
} else Atomics.wait(barrier, 1, 0);
const input = binding.createTensor([2, 2], binding.TF_FLOAT, new Float32Array([1, 2, 3, index]));
binding.executeOp("MatMul", [
  { name: "transpose_a", type: binding.TF_ATTR_BOOL, value: false },
  { name: "transpose_b", type: binding.TF_ATTR_BOOL, value: true },
  { name: "T", type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT },
], [input, input], 1);
const prefix = "a".repeat(4096);
for (let call = 0; call < 20; call++) {
  const attrs = [];
  for (let a = 0; a < 500; a++) attrs.push({ name: prefix + a + "_" + call + "_" + index, type: binding.TF_ATTR_INT, value: 1 });
  attrs.push({ name: "unknown_type", type: 999, value: 1 });
  try {
    binding.executeOp("Identity", attrs, [input], 1);
    throw new Error("an op with an unknown attribute type ran");
  } catch (error) {
    if (!/Unhandled TF_AttrType/.test(error.message)) throw error;
  }
}
parentPort.postMessage("done");
`;

const attemptScript = `
const { Worker } = require("node:worker_threads");
const [addon, threads] = [process.argv[1], Number(process.argv[2])];
const barrier = new Int32Array(new SharedArrayBuffer(8));
let done = 0;
for (let index = 0; index < threads; index++) {
  new Worker(${JSON.stringify(threadScript)}, { eval: true, workerData: { addon, barrier, index, threads } })
    .on("message", () => { if (++done === threads) { console.log("ok"); process.exit(0); } })
    .on("error", (error) => { console.error(error.message); process.exit(1); });
}
`;

interface Attempt {
  outcome: "ok" | "hung" | "crashed";
  ms: number;
  detail: string;
}

function attempt(addon: string): Promise<Attempt> {
  const started = performance.now();
  const child = spawn(process.execPath, ["-e", attemptScript, addon, String(THREADS)], {
    env: { ...process.env, TF_NUM_INTRAOP_THREADS: "1", TF_NUM_INTEROP_THREADS: "1", TF_CPP_MIN_LOG_LEVEL: "2" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, ATTEMPT_TIMEOUT_MS);
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const ms = Math.round(performance.now() - started);
      if (timedOut) resolve({ outcome: "hung", ms, detail: `no end after ${ATTEMPT_TIMEOUT_MS / 1000} s, killed` });
      else if (code === 0 && /^ok$/m.test(output)) resolve({ outcome: "ok", ms, detail: "" });
      else {
        const last = output.trim().split("\n").at(-1) ?? "";
        resolve({ outcome: "crashed", ms, detail: `exit ${code ?? signal}: ${last}` });
      }
    });
  });
}

describeOnBackends(["tensorflow"], "threads starting their first ops together", () => {
  it(
    `${ATTEMPTS} fresh processes × ${THREADS} threads neither hang nor crash`,
    async () => {
      const addon = nativeAddon();
      if (addon.state === "missing")
        throw new Error("@tensorflow/tfjs-node's addon is not built (npm run native:install)");
      const attempts: Attempt[] = [];
      const started = performance.now();
      // One at a time, so that each attempt's threads get the cores; the first failure ends it.
      while (attempts.length < ATTEMPTS && attempts.every((a) => a.outcome === "ok")) {
        attempts.push(await attempt(addon.path));
      }
      const last = attempts.at(-1);
      console.log(
        `native race: ${attempts.length} attempts in ${((performance.now() - started) / 1000).toFixed(1)} s${last?.outcome === "ok" ? ", none hung or crashed" : `; attempt ${attempts.length} ${last?.outcome} after ${last?.ms} ms (${last?.detail})`}`,
      );
      expect(attempts.filter((a) => a.outcome !== "ok")).toEqual([]);
    },
    ATTEMPTS * ATTEMPT_TIMEOUT_MS,
  );
});
