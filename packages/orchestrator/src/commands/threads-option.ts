import { availableParallelism } from "node:os";
import { describeValue, UsageError } from "@sweep/core";
import type { BackendChoice } from "@sweep/worker";

const BACKENDS: readonly BackendChoice[] = ["auto", "wasm", "cpu", "node"];

/** `--threads`: trials trained at once; default one per core. */
export function parseThreads(value: string | undefined): number {
  if (value === undefined) return Math.max(1, availableParallelism());
  const threads = Number(value);
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
    throw new UsageError(`--threads must be an integer from 1 to 256, received ${describeValue(value)}`, "--threads");
  }
  return threads;
}

/** `--backend`: auto (tfjs-node, else wasm, else cpu), wasm, cpu or node. */
export function parseBackend(value: string): BackendChoice {
  if (!(BACKENDS as readonly string[]).includes(value)) {
    throw new UsageError(
      `--backend must be one of ${BACKENDS.join(", ")}, received ${describeValue(value)}`,
      "--backend",
    );
  }
  return value as BackendChoice;
}
