import type { TrialSpec } from "@sweep/core";

/** A trial being trained by this worker. */
export interface RunningTrial {
  trial: TrialSpec;
  cancelFlag: Int32Array;
  /** Why the flag was raised: the sweep was cancelled, this worker is stopping, or the sweep's controller pruned it. */
  stopReason?: StopReason;
  /** With stopReason `pruned`: the reason recorded with the `pruned` event (the rung). */
  pruneReason?: string;
  imagesPerS: number;
}

export type StopReason = "sweep-cancelled" | "worker-stopping" | "pruned";

/**
 * The worker's training threads: which trials run on them, how many messages are
 * being handled (a handled message holds its thread until it is settled), and a wait
 * for a free one.
 */
export class TrialSlots {
  readonly #running = new Map<string, RunningTrial>();
  readonly #inFlight = new Set<Promise<void>>();
  #slotFreed: () => void = () => {};

  constructor(readonly threads: number) {}

  /** Threads not holding a message. */
  get free(): number {
    return this.threads - this.#inFlight.size;
  }

  /** Holds a thread until `handling` settles. */
  hold(handling: Promise<void>): void {
    const held: Promise<void> = handling.finally(() => {
      this.#inFlight.delete(held);
      this.#slotFreed();
    });
    this.#inFlight.add(held);
  }

  /** Resolves once a thread is free, or `wake()` is called. */
  waitForFree(): Promise<void> {
    return new Promise((resolve) => {
      this.#slotFreed = resolve;
      if (this.free > 0) resolve();
    });
  }

  /** Ends a `waitForFree` early (the worker is stopping). */
  wake(): void {
    this.#slotFreed();
  }

  /** Settles when every held message is settled. */
  async drained(): Promise<void> {
    await Promise.all(this.#inFlight);
  }

  start(trial: TrialSpec): RunningTrial {
    const entry: RunningTrial = { trial, cancelFlag: new Int32Array(new SharedArrayBuffer(4)), imagesPerS: 0 };
    this.#running.set(trial.id, entry);
    return entry;
  }

  end(trialId: string): void {
    this.#running.delete(trialId);
  }

  /** Raises the cancel flag of running trials (of one sweep, or all), keeping an earlier reason. */
  stopTrials(reason: StopReason, sweepId?: string): void {
    for (const entry of this.#running.values()) {
      if (sweepId !== undefined && entry.trial.sweepId !== sweepId) continue;
      entry.stopReason ??= reason;
      Atomics.store(entry.cancelFlag, 0, 1);
    }
  }

  /** Raises one running trial's cancel flag to prune it (a hyperband rung), unless it is stopping already. */
  prune(trialId: string, reason: string): void {
    const entry = this.#running.get(trialId);
    if (!entry || entry.stopReason !== undefined) return;
    entry.stopReason = "pruned";
    entry.pruneReason = reason;
    Atomics.store(entry.cancelFlag, 0, 1);
  }

  get trialIds(): string[] {
    return [...this.#running.keys()];
  }

  get imagesPerS(): number {
    return [...this.#running.values()].reduce((sum, entry) => sum + entry.imagesPerS, 0);
  }
}
