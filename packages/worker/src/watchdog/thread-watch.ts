import { readBatchClock } from "./batch-clock.js";
import { type BatchTimes, stuckDeadlineMs } from "./stuck-policy.js";

/** A trial's thread that completed no batch for longer than its deadline. */
export interface StuckThread {
  threadId: number;
  /** How long the thread has completed no batch (since the task started on it, before its first). */
  silentMs: number;
  /** What `stuckDeadlineMs` allowed. */
  deadlineMs: number;
  times: BatchTimes;
}

/**
 * Watches one task's batch clock from the main thread: once the task has started on a
 * thread, `onStuck` is called (once) when the thread has gone longer without completing
 * a batch than `stuckDeadlineMs` allows. The clock is read a few times per floor, at
 * most once a second. Returns a function that stops watching.
 */
export function watchBatchClock(
  clock: Int32Array,
  stuckAfterMs: number,
  onStuck: (stuck: StuckThread) => void,
): () => void {
  let seenBatches = -1;
  let seenAt = 0;
  const timer = setInterval(
    () => {
      const reading = readBatchClock(clock);
      if (reading.threadId === 0) return; // still queued for a thread
      const now = performance.now();
      if (reading.batches !== seenBatches) {
        seenBatches = reading.batches;
        seenAt = now;
        return;
      }
      const deadlineMs = stuckDeadlineMs(reading, stuckAfterMs);
      const silentMs = now - seenAt;
      if (silentMs <= deadlineMs) return;
      clearInterval(timer);
      const { threadId, ...times } = reading;
      onStuck({ threadId, silentMs, deadlineMs, times });
    },
    Math.min(1000, Math.max(10, stuckAfterMs / 10)),
  );
  timer.unref();
  return () => clearInterval(timer);
}

/** What a stuck thread did: which thread, how long it completed no batch, and the deadline's grounds. */
export function describeStuck(stuck: StuckThread): string {
  const { batches, slowestBatchMs, firstBatchMs } = stuck.times;
  const grounds =
    batches === 0
      ? "before its first batch"
      : `after ${batches} batches, slowest ${seconds(batches === 1 ? firstBatchMs : slowestBatchMs)}`;
  return `training thread ${stuck.threadId} completed no batch for ${seconds(stuck.silentMs)} (allowed ${seconds(stuck.deadlineMs)} ${grounds})`;
}

/** `0.14 s`, `3.1 s`, `62 s`. */
export const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 1000 ? 2 : ms < 10_000 ? 1 : 0)} s`;
