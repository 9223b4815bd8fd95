import { threadId } from "node:worker_threads";
import type { BatchTimes } from "./stuck-policy.js";

/**
 * A trial's batch clock: shared memory the training thread writes after every batch it
 * completes and the pool's watchdog reads on the main thread. Memory, not messages: a
 * thread blocked in native code posts nothing, and reading costs nothing.
 *
 * An Int32Array over a SharedArrayBuffer: the thread's id (0 until the task starts on a
 * thread), batches completed, the first batch's ms (from the task's start), the slowest
 * wait between two batches since, in ms; then, as a Float64, when the thread last
 * counted (its own `performance.now()`, read only by the thread).
 */
const THREAD = 0;
const BATCHES = 1;
const FIRST_MS = 2;
const SLOWEST_MS = 3;
const LAST_AT_BYTE = 16;
const BYTES = 24;

/** A fresh clock for one task (main thread). */
export function newBatchClock(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(BYTES));
}

/** The task starts on this thread: its time 0 (thread side, before anything else). */
export function startBatchClock(clock: Int32Array): void {
  lastAt(clock)[0] = performance.now();
  Atomics.store(clock, THREAD, threadId);
}

/** One more batch completed (thread side): after each training and each evaluation batch. */
export function countBatch(clock: Int32Array): void {
  const last = lastAt(clock);
  const now = performance.now();
  const waitedMs = Math.min(2 ** 31 - 1, Math.round(now - last[0]));
  last[0] = now;
  if (Atomics.load(clock, BATCHES) === 0) Atomics.store(clock, FIRST_MS, waitedMs);
  else if (waitedMs > Atomics.load(clock, SLOWEST_MS)) Atomics.store(clock, SLOWEST_MS, waitedMs);
  // Last: a reader that sees the new count sees the times that go with it.
  Atomics.add(clock, BATCHES, 1);
}

/** What the clock says now (main thread); `threadId` 0: the task has not started on a thread yet. */
export function readBatchClock(clock: Int32Array): BatchTimes & { threadId: number } {
  const batches = Atomics.load(clock, BATCHES);
  return {
    threadId: Atomics.load(clock, THREAD),
    batches,
    firstBatchMs: Atomics.load(clock, FIRST_MS),
    slowestBatchMs: Atomics.load(clock, SLOWEST_MS),
  };
}

const lastAt = (clock: Int32Array) => new Float64Array(clock.buffer, LAST_AT_BYTE, 1);
