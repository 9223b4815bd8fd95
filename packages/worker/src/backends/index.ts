import { createRequire } from "node:module";
import { dirname } from "node:path";
import { UsageError } from "@sweep/core";
// The Node build of tfjs-core ships without gradient definitions; this registers them
// (and the cpu backend).
import "@tensorflow/tfjs";
import { setThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import * as tf from "@tensorflow/tfjs-core";
import type { BackendChoice } from "../protocol.js";
import { registerWasmTrainingKernels } from "./wasm-kernels/index.js";

/** The tfjs backend a thread trains on, named as tfjs names it: "tensorflow", "wasm" or "cpu". */
export interface ActiveBackend {
  name: string;
}

const tfjsNodePackage = "@tensorflow/tfjs-node";
let tfjsNodeLoad: Promise<boolean> | undefined;

/**
 * Selects and initialises the tfjs backend of the calling thread, with one intra-op
 * thread. `auto` tries tfjs-node, then wasm (with this project's training kernels),
 * then cpu. Idempotent per thread. Throws a `UsageError` for `node` when
 * @tensorflow/tfjs-node is not installed.
 */
export async function initBackend(choice: BackendChoice): Promise<ActiveBackend> {
  if (choice === "node" || choice === "auto") {
    if (await loadTfjsNode()) return activate("tensorflow");
    if (choice === "node") {
      throw new UsageError(
        "--backend node: @tensorflow/tfjs-node is not installed (an optional dependency whose install downloads libtensorflow); install it or use --backend auto, wasm or cpu",
        "--backend",
      );
    }
  }
  if (choice === "wasm" || choice === "auto") {
    try {
      return await activateWasm();
    } catch (error) {
      if (choice === "wasm") throw error;
    }
  }
  return activate("cpu");
}

/**
 * libtensorflow sizes its thread pools from these variables when it loads. A worker
 * thread's `process.env` is its own copy, so they take effect only when set in the
 * process's main thread (or its environment) before a thread loads tfjs-node.
 */
function loadTfjsNode(): Promise<boolean> {
  process.env.TF_NUM_INTRAOP_THREADS ??= "1";
  process.env.TF_NUM_INTEROP_THREADS ??= "1";
  tfjsNodeLoad ??= import(tfjsNodePackage).then(
    () => true,
    () => false,
  );
  return tfjsNodeLoad;
}

async function activateWasm(): Promise<ActiveBackend> {
  const wasmPackage = createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm");
  setWasmPaths(`${dirname(wasmPackage)}/`);
  setThreadsCount(1);
  const active = await activate("wasm");
  registerWasmTrainingKernels();
  return active;
}

async function activate(name: string): Promise<ActiveBackend> {
  if (!(await tf.setBackend(name))) throw new Error(`tfjs backend ${name} failed to initialise`);
  await tf.ready();
  return { name: tf.getBackend() };
}
