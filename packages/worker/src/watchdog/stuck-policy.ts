/**
 * The watchdog's policy: how long a trial's training thread may go without completing
 * a batch before the trial is declared stuck, and how long a stuck thread is then given
 * to stop. Pure functions of the trial's own batch times (from its batch clock) and the
 * floor `--stuck-after`.
 */

/** What the watchdog knows of a trial's batches so far. */
export interface BatchTimes {
  /** Batches completed: training batches and the evaluation batches of the validation and test passes. */
  batches: number;
  /**
   * From the task's start on its thread to the end of its first batch: loading the
   * backend and the data set, building the model (or restoring it), the first step's warm-up.
   */
  firstBatchMs: number;
  /** The longest wait between two batches after the first (epoch ends included); 0 before the second. */
  slowestBatchMs: number;
}

/** Default floor (`--stuck-after 60`): no trial is declared stuck sooner. */
export const DEFAULT_STUCK_AFTER_MS = 60_000;
/** Before its first batch a trial loads and builds: it gets this many floors. */
export const WARM_UP_FLOORS = 3;
/** A thread is stuck when it takes this many times its slowest batch (when that is above the floor). */
export const SLOWEST_BATCH_FACTOR = 10;
/** A stuck thread gets at least this many times its slowest batch to stop (a native op runs to its end first). */
export const STOP_GRACE_BATCHES = 2;

/**
 * How long the thread may now go without completing a batch, `stuckAfterMs` being the floor:
 *
 * | batches | deadline                                                              |
 * | ------- | --------------------------------------------------------------------- |
 * | 0       | WARM_UP_FLOORS × floor (nothing is known of this trial yet)           |
 * | 1       | max(floor, SLOWEST_BATCH_FACTOR × first batch, warm-up included)      |
 * | 2 +     | max(floor, SLOWEST_BATCH_FACTOR × slowest batch after the first)      |
 *
 * Evaluation batches count as batches, so an epoch's validation pass and the final test
 * pass never look like silence; the pause at an epoch's end (checkpoint, progress
 * message) is a wait between two batches like any other.
 */
export function stuckDeadlineMs(times: BatchTimes, stuckAfterMs: number): number {
  if (times.batches === 0) return WARM_UP_FLOORS * stuckAfterMs;
  return Math.max(stuckAfterMs, SLOWEST_BATCH_FACTOR * typicalBatchMs(times));
}

/**
 * How long a thread declared stuck is given to stop once told to (`terminate()`)
 * before it is taken for blocked in native code for good: the floor, or
 * STOP_GRACE_BATCHES × its slowest batch when that is longer.
 */
export function stopGraceMs(times: BatchTimes, stuckAfterMs: number): number {
  return Math.max(stuckAfterMs, STOP_GRACE_BATCHES * typicalBatchMs(times));
}

/** The slowest batch after the first; before the second, the first (an overestimate: warm-up included). */
function typicalBatchMs(times: BatchTimes): number {
  if (times.batches === 0) return 0;
  return times.batches === 1 ? times.firstBatchMs : times.slowestBatchMs;
}
