import { statSync } from "node:fs";
import { availableParallelism } from "node:os";
import { describeValue, UsageError } from "@sweep/core";
import { BACKEND_CHOICES, type BackendChoice, DEFAULT_STUCK_AFTER_MS, parseBackendChoice } from "@sweep/worker/lite";
import type { Command } from "commander";

/** The options of the commands that train (`sweep run`, `sweep worker`), as commander hands them over. */
export interface TrainingOptions {
  threads?: string;
  backend: string;
  intraOpThreads?: string;
  task?: string;
  stuckAfter?: string;
}

/** The training options, checked: what a training pool is made with. */
export interface TrainingSettings {
  threads: number;
  backend: BackendChoice;
  intraOpThreads: number;
  /** A Piscina task module instead of the real trainer. */
  taskFile?: string;
  /** The watchdog's floor (see `stuckDeadlineMs` in @sweep/worker). */
  stuckAfterMs: number;
}

const BACKEND_HELP = "auto (tensorflow if built, else wasm), tensorflow (native tfjs-node; alias node), wasm or cpu";
const INTRA_OP_HELP = "threads each trial may use on backend tensorflow (default 1: one core per trial)";
const STUCK_AFTER_HELP = `declare a trial stuck when its thread completes no batch for this many seconds, or for 10x its slowest batch if longer (3x this before its first batch; default ${DEFAULT_STUCK_AFTER_MS / 1000})`;

/** Adds `--threads`, `--backend`, `--intra-op-threads`, `--stuck-after` and `--task`, shared by every command that trains. */
export function withTrainingOptions(command: Command): Command {
  return command
    .option("--threads <n>", "trials trained at once (default: one per CPU core)")
    .option("--backend <name>", BACKEND_HELP, "auto")
    .option("--intra-op-threads <n>", INTRA_OP_HELP)
    .option("--stuck-after <seconds>", STUCK_AFTER_HELP)
    .option("--task <file>", "Piscina task module to train with instead of the real trainer (benchmarks)");
}

/** Checks the training options; a bad one is a usage error naming it. */
export function parseTrainingOptions(options: TrainingOptions): TrainingSettings {
  return {
    threads: parseThreads(options.threads),
    backend: parseBackend(options.backend),
    intraOpThreads: parseIntraOpThreads(options.intraOpThreads),
    taskFile: parseTaskFile(options.task),
    stuckAfterMs: parseStuckAfter(options.stuckAfter),
  };
}

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

/** `--stuck-after`: seconds, from 1 to a day; returns milliseconds (default `DEFAULT_STUCK_AFTER_MS`). */
export function parseStuckAfter(value: string | undefined): number {
  if (value === undefined) return DEFAULT_STUCK_AFTER_MS;
  const seconds = value.trim() === "" ? Number.NaN : Number(value);
  if (!(seconds >= 1 && seconds <= 86_400)) {
    throw new UsageError(
      `--stuck-after must be a number of seconds from 1 to 86400, received ${describeValue(value)}`,
      "--stuck-after",
    );
  }
  return Math.round(seconds * 1000);
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
