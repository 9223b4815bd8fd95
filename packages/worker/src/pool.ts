import { pathToFileURL } from "node:url";
import { MessageChannel } from "node:worker_threads";
import type { TrialSpec } from "@sweep/core";
import { errorMessage } from "@sweep/core";
import { Piscina } from "piscina";
import { prepareNativeEnvironment } from "./backends/native-environment.js";
import type { TrialTrainer } from "./consumer/trial-trainer.js";
import { loadDataset } from "./data/dataset.js";
import { type BackendChoice, DeterministicTrialError, type TrainOutcome, type TrainProgress } from "./protocol.js";
import type { ThrownByTask } from "./thread-entry.js";
import type { TrainTask } from "./train-task.js";
import { newBatchClock } from "./watchdog/batch-clock.js";
import { DEFAULT_STUCK_AFTER_MS } from "./watchdog/stuck-policy.js";
import { declareStuck, type WatchdogOptions } from "./watchdog/stuck-thread.js";
import { watchBatchClock } from "./watchdog/thread-watch.js";

export interface TrainingPoolOptions extends WatchdogOptions {
  /** Trials trained at once, one per thread (each thread trains single-threaded). */
  threads: number;
  backend: BackendChoice;
  /**
   * The Piscina task module (a .js file URL or path) default-exporting
   * `(request: TrainRequest) => Promise<TrainOutcome>`; default: the real trainer.
   */
  taskFile?: string | URL;
  /**
   * Load each trial's data set once in this process and share it with the threads.
   * Default: true for the real trainer, false for a custom `taskFile`.
   */
  shareDatasets?: boolean;
  /**
   * Threads each trial's ops may use on backend tensorflow (default 1: `threads`
   * trials use `threads` cores). Fixed per process when libtensorflow first loads.
   */
  intraOpThreads?: number;
  /** Per-thread memory limits; a thread that exceeds them dies and its trial fails transiently. */
  resourceLimits?: { maxOldGenerationSizeMb?: number; maxYoungGenerationSizeMb?: number };
}

export interface TrainOptions {
  /** Resume after this checkpoint (from an earlier `epoch` progress message). */
  checkpoint?: Uint8Array;
  onProgress(progress: TrainProgress): void;
  /** Store 1 at index 0 to stop the trial between batches; it then resolves `cancelled`. */
  cancelFlag?: Int32Array;
}

/**
 * A training thread died while training (an uncaught error, `process.exit`, out of
 * memory). Transient: the trial may succeed on another attempt; the pool starts a
 * new thread in its place.
 */
export class TrainingThreadError extends Error {
  override readonly name = "TrainingThreadError";
}

// Resolves to dist/ from both src/ (vitest) and dist/: Piscina threads need the .js build.
const threadEntry = new URL("../dist/thread-entry.js", import.meta.url);
const realTrainer = new URL("../dist/train-task.js", import.meta.url);
/** How long to wait for a finished task's last progress messages before giving up on them. */
const PROGRESS_DRAIN_MS = 2000;

/** A Piscina pool of training threads, one trial per thread. */
export class TrainingPool implements TrialTrainer {
  readonly threads: number;
  readonly backend: BackendChoice;
  readonly #piscina: Piscina<TrainTask, TrainOutcome>;
  readonly #shareDatasets: boolean;
  readonly #watchdog: WatchdogOptions & { stuckAfterMs: number };

  constructor(options: TrainingPoolOptions) {
    if (!Number.isInteger(options.threads) || options.threads < 1) {
      throw new RangeError(`TrainingPool threads: must be a positive integer, got ${options.threads}`);
    }
    const intraOpThreads = options.intraOpThreads ?? 1;
    if (!Number.isInteger(intraOpThreads) || intraOpThreads < 1) {
      throw new RangeError(`TrainingPool intraOpThreads: must be a positive integer, got ${intraOpThreads}`);
    }
    prepareNativeEnvironment({ intraOpThreads });
    this.threads = options.threads;
    this.backend = options.backend;
    this.#shareDatasets = options.shareDatasets ?? options.taskFile === undefined;
    const { stuckAfterMs = DEFAULT_STUCK_AFTER_MS, log, onStrandedThread } = options;
    this.#watchdog = { stuckAfterMs, log, onStrandedThread };
    const taskFile = options.taskFile ?? realTrainer;
    this.#piscina = new Piscina({
      filename: threadEntry.href,
      minThreads: options.threads,
      maxThreads: options.threads,
      idleTimeout: Number.POSITIVE_INFINITY,
      // Idle threads must keep their event loop running (no Atomics.wait), or the
      // progress port's close reaches us only with the next task: a 2 s drain wait per trial.
      atomics: "disabled",
      workerData: { taskFile: taskFile instanceof URL ? taskFile.href : toFileUrl(taskFile) },
      resourceLimits: options.resourceLimits,
    });
    // A thread's death is reported through the task it was running; with no task
    // running, Piscina emits it here, and an unhandled 'error' event would end the process.
    this.#piscina.on("error", () => {});
  }

  /**
   * Trains one trial on a free thread (queued until one is free). Rejects with a
   * `DeterministicTrialError` when the trial can never succeed and with any other
   * error (e.g. `TrainingThreadError`, `TrialStuckError`) when another attempt may.
   */
  async train(trial: TrialSpec, options: TrainOptions): Promise<TrainOutcome> {
    const dataset = this.#shareDatasets ? await loadDataset(trial.dataset.source) : undefined;
    const cancelFlag = options.cancelFlag ?? new Int32Array(new SharedArrayBuffer(4));
    const batchClock = newBatchClock();
    const { port1: progress, port2: threadPort } = new MessageChannel();
    const progressDone = new Promise<void>((resolve) => progress.once("close", () => resolve()));
    progress.on("message", (message: TrainProgress) => options.onProgress(message));
    const stuck = new AbortController();
    // A stuck trial's task is aborted: Piscina terminates its thread and starts another.
    const stopWatching = watchBatchClock(batchClock, this.#watchdog.stuckAfterMs, (thread) =>
      declareStuck(trial.id, thread, this.#piscina.threads, stuck, this.#watchdog),
    );
    try {
      const outcome = await this.#piscina.run(
        {
          trial,
          backend: this.backend,
          checkpoint: options.checkpoint,
          cancelFlag,
          batchClock,
          port: threadPort,
          dataset,
        },
        { transferList: [threadPort], signal: stuck.signal },
      );
      await Promise.race([progressDone, delay(PROGRESS_DRAIN_MS)]);
      return outcome;
    } catch (error) {
      if (stuck.signal.aborted) throw stuck.signal.reason;
      // A task that threw closed its port after its last progress message; the rejection
      // can overtake those messages (started, the epochs before the failure): take them first.
      if ((error as Partial<ThrownByTask> | null)?.thrownByTask === true) {
        await Promise.race([progressDone, delay(PROGRESS_DRAIN_MS)]);
      }
      throw reviveError(error);
    } finally {
      stopWatching();
      progress.close();
    }
  }

  /** Waits for running trials, then stops the threads. */
  async close(): Promise<void> {
    await this.#piscina.close();
  }
}

function reviveError(error: unknown): Error {
  const thrown = error as Partial<ThrownByTask> | null;
  if (thrown?.thrownByTask !== true) {
    return new TrainingThreadError(`training thread died: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  const revived =
    thrown.name === "DeterministicTrialError" ? new DeterministicTrialError(thrown.message) : new Error(thrown.message);
  if (revived.name !== thrown.name) Object.defineProperty(revived, "name", { value: thrown.name });
  if (thrown.code !== undefined) Object.assign(revived, { code: thrown.code });
  revived.stack = thrown.stack;
  return revived;
}

function toFileUrl(path: string): string {
  return path.startsWith("file:") ? path : pathToFileURL(path).href;
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
