import { createRequire } from "node:module";
import { dirname } from "node:path";
import { UsageError } from "@sweep/core";
// The Node build of tfjs-core ships without gradient definitions; this registers them
// (and the cpu backend).
import "@tensorflow/tfjs";
import { setThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import * as tf from "@tensorflow/tfjs-core";
import type { BackendChoice } from "../protocol.js";
import { nativeAddon, unpatchedAddonMessage } from "./native-addon.js";
import { registerTensorflowTrainingKernels } from "./tensorflow-kernels/index.js";
import { registerWasmTrainingKernels } from "./wasm-kernels/index.js";

/** The tfjs backend a thread trains on, named as tfjs names it: "tensorflow", "wasm" or "cpu". */
export interface ActiveBackend {
  name: string;
}

const tfjsNodePackage = "@tensorflow/tfjs-node";
let tfjsNodeLoad: Promise<boolean> | undefined;

/**
 * Selects and initialises the tfjs backend of the calling thread. `auto` tries
 * tfjs-node (`tensorflow`), then wasm (with this project's training kernels, one
 * thread), then cpu. Idempotent per thread. Throws a `UsageError` for `tensorflow`
 * when @tensorflow/tfjs-node is not installed, does not load, or is built without
 * sweep's thread-safety patch (`auto` then goes on to wasm without loading it).
 * tensorflow's thread count is set per process (`prepareNativeEnvironment`), not here.
 */
export async function initBackend(choice: BackendChoice): Promise<ActiveBackend> {
  const addon = nativeAddon();
  if (choice === "tensorflow" && addon.state === "unpatched") {
    throw new UsageError(`--backend tensorflow: ${unpatchedAddonMessage(addon.path)}`, "--backend");
  }
  if (choice === "tensorflow" || (choice === "auto" && addon.state !== "unpatched")) {
    if (await loadTfjsNode()) {
      const active = await activate("tensorflow");
      registerTensorflowTrainingKernels();
      return active;
    }
    if (choice === "tensorflow") {
      throw new UsageError(
        "--backend tensorflow: @tensorflow/tfjs-node is not installed or does not load; build it with `npm run native:install` (README: Native backend) or use --backend auto, wasm or cpu",
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
 * Whether @tensorflow/tfjs-node is installed with an addon built with sweep's
 * thread-safety patch, without loading it (loading starts libtensorflow in the calling
 * thread: ~750 MB, and its thread settings fixed for the process). `initBackend` is the
 * real test.
 */
export function tensorflowInstalled(): boolean {
  return nativeAddon().state === "patched";
}

let refusalPrinted = false;

/**
 * The backend a choice will train on, named as trials record it, for headers printed
 * before any thread starts: `auto` is tensorflow where tfjs-node is built with the
 * patch, else wasm. Where it is built without it, `auto` prints (once per process, on
 * stderr) the line that says so and how to fix it.
 */
export function expectedBackend(choice: BackendChoice): string {
  if (choice !== "auto") return choice;
  const addon = nativeAddon();
  if (addon.state === "unpatched" && !refusalPrinted) {
    refusalPrinted = true;
    console.error(`backend auto: training on wasm: ${unpatchedAddonMessage(addon.path)}`);
  }
  return addon.state === "patched" ? "tensorflow" : "wasm";
}

function loadTfjsNode(): Promise<boolean> {
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
  // The cpu backend's first write prints a banner recommending tfjs-node; the CLI names the backend in use itself.
  if (name === "cpu") Object.assign(tf.backend(), { firstUse: false });
  return { name: tf.getBackend() };
}
