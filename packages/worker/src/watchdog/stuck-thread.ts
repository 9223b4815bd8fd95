import type { Worker } from "node:worker_threads";
import { stopGraceMs } from "./stuck-policy.js";
import { describeStuck, type StuckThread, seconds } from "./thread-watch.js";
import { trackTerminatedThread } from "./unstopped-threads.js";

/** The watchdog's settings, part of `TrainingPoolOptions`. */
export interface WatchdogOptions {
  /**
   * The floor (`--stuck-after`, default 60 s): a trial whose thread completes no batch
   * for this long, and for longer than its own batch times allow (`stuckDeadlineMs`),
   * is declared stuck: its thread is terminated (Piscina starts another) and `train`
   * rejects with a `TrialStuckError`.
   */
  stuckAfterMs?: number;
  /** Where the watchdog says what it did, one line each: a trial declared stuck, a thread stranded. */
  log?: (line: string) => void;
  /**
   * A stuck trial's thread did not stop when terminated: it is blocked in native code,
   * keeps its core, and only a process exit past it ends it (`exitPastUnstoppedThreads`).
   */
  onStrandedThread?: (threadId: number) => void;
}

/**
 * A trial's training thread completed no batch for longer than the watchdog allows
 * (see `stuckDeadlineMs`); the thread was terminated. Transient: the hang may not come
 * back on another attempt (a race in native code), so the trial may be tried again.
 */
export class TrialStuckError extends Error {
  override readonly name = "TrialStuckError";
}

/**
 * Declares a trial stuck: one line, then its task is aborted with a `TrialStuckError`
 * (Piscina terminates the thread and starts another), and the thread is watched until
 * it exits (`confirmThreadStops`). `threads` are the pool's, looked up before the
 * abort: Piscina forgets the thread then.
 */
export function declareStuck(
  trialId: string,
  stuck: StuckThread,
  threads: readonly Worker[],
  task: AbortController,
  options: WatchdogOptions & { stuckAfterMs: number },
): void {
  const what = describeStuck(stuck);
  const log = options.log ?? (() => {});
  log(`trial ${trialId} is stuck: ${what}`);
  const thread = threads.find((candidate) => candidate.threadId === stuck.threadId);
  task.abort(new TrialStuckError(what));
  const graceMs = stopGraceMs(stuck.times, options.stuckAfterMs);
  if (thread) confirmThreadStops(thread, graceMs, log, options.onStrandedThread);
}

/**
 * Waits up to `graceMs` for a stuck thread, just terminated, to exit. One that does not
 * is stranded, blocked in native code out of V8's reach: it is said in one line and
 * reported to `onStranded`. Until it exits, `unstoppedThreadCount` counts it.
 */
export function confirmThreadStops(
  thread: Worker,
  graceMs: number,
  log: (line: string) => void,
  onStranded?: (threadId: number) => void,
): void {
  const { threadId } = thread;
  if (threadId < 0) return; // exited already
  trackTerminatedThread(thread);
  const timer = setTimeout(() => {
    thread.off("exit", exited);
    log(
      `training thread ${threadId} did not stop within ${seconds(graceMs)} of being terminated: it is blocked in native code and keeps its core until the process exits`,
    );
    onStranded?.(threadId);
  }, graceMs).unref();
  const exited = () => clearTimeout(timer);
  thread.once("exit", exited);
}
