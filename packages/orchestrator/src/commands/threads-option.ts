import { statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { describeValue, UsageError } from "@sweep/core";
import { BACKEND_CHOICES, type BackendChoice, parseBackendChoice } from "@sweep/worker/lite";

/** `--threads`: trials trained at once; default one per core. */
export function parseThreads(value: string | undefined): number {
  if (value === undefined) return Math.max(1, availableParallelism());
  return parseCount(value, "--threads");
}

/** `--intra-op-threads`: threads one trial's ops may use on backend tensorflow; default 1. */
export function parseIntraOpThreads(value: string | undefined): number {
  return value === undefined ? 1 : parseCount(value, "--intra-op-threads");
}

function parseCount(value: string, option: string): number {
  const count = Number(value);
  if (!Number.isInteger(count) || count < 1 || count > 256) {
    throw new UsageError(`${option} must be an integer from 1 to 256, received ${describeValue(value)}`, option);
  }
  return count;
}

/** `--backend`: auto (tensorflow, else wasm, else cpu), tensorflow (alias node), wasm or cpu. */
export function parseBackend(value: string): BackendChoice {
  const choice = parseBackendChoice(value);
  if (choice === undefined) {
    throw new UsageError(
      `--backend must be one of ${BACKEND_CHOICES.join(", ")} (node = tensorflow), received ${describeValue(value)}`,
      "--backend",
    );
  }
  return choice;
}

/** `--task`: a Piscina task module that must exist as a file before anything starts; undefined = the real trainer. */
export function parseTaskFile(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let isFile = false;
  try {
    isFile = statSync(value).isFile();
  } catch {}
  if (!isFile)
    throw new UsageError(`--task: must be a task module file, got ${describeValue(value)} (no such file)`, "--task");
  return value;
}

/** The help text of `--backend`. */
export const BACKEND_HELP =
  "auto (tensorflow if built, else wasm), tensorflow (native tfjs-node; alias node), wasm or cpu";
/** The help text of `--intra-op-threads`. */
export const INTRA_OP_HELP = "threads each trial may use on backend tensorflow (default 1: one core per trial)";
