import { errorMessage } from "@sweep/core";
import type { Delivery, TrialCheckpoints } from "@sweep/protocol";

/**
 * Training time a checkpoint must be newer by than the last one kept: epochs shorter
 * than this are not each worth a round of object-store requests (a trial of 20 instant
 * epochs would spend most of its time saving), and a dead worker costs at most one
 * epoch or this much training.
 */
export const CHECKPOINT_EVERY_MS = 100;

/** Saves one trial's checkpoints in the background, newest first (see `latestCheckpointSaver`). */
export interface CheckpointSaver {
  /** Whether a checkpoint taken now would be kept (see `CHECKPOINT_EVERY_MS`). */
  due(): boolean;
  /** A checkpoint to save once `stored` (its epoch's event reached the stream) resolves. */
  offer(epoch: number, bytes: Uint8Array, stored: Promise<unknown>): void;
  /** Drops a checkpoint still waiting (the trial is over); one being saved still ends. */
  discardWaiting(): void;
  /** Settles when no checkpoint is being saved and none waits. */
  idle(): Promise<void>;
  /** Whether any checkpoint of this trial was (or was being) saved. */
  readonly savedAny: boolean;
}

/**
 * Saves a trial's checkpoints one at a time, each only after its epoch's event is
 * stored (so a checkpoint is never ahead of the recorded epochs). It is `due()` once
 * `everyMs` have passed since the last one offered (or the start); one offered while
 * another is being saved replaces any still waiting. Training and events never wait
 * for the store.
 */
export function latestCheckpointSaver(
  checkpoints: TrialCheckpoints,
  trialId: string,
  log: (line: string) => void,
  { delivery, everyMs = CHECKPOINT_EVERY_MS }: { delivery?: Delivery; everyMs?: number } = {},
): CheckpointSaver {
  let waiting: { epoch: number; bytes: Uint8Array; stored: Promise<unknown> } | undefined;
  let saving: Promise<void> = Promise.resolve();
  let busy = false;
  let savedAny = false;
  let lastTakenAt = performance.now();
  const drain = async () => {
    busy = true;
    for (let next = waiting; next; next = waiting) {
      waiting = undefined;
      savedAny = true;
      try {
        await next.stored;
        await checkpoints.save(trialId, next.epoch, next.bytes, delivery);
      } catch (error) {
        log(`checkpoint of ${trialId} after epoch ${next.epoch} not saved: ${errorMessage(error)}`);
      }
    }
    busy = false;
  };
  return {
    due: () => performance.now() - lastTakenAt >= everyMs,
    offer(epoch, bytes, stored) {
      lastTakenAt = performance.now();
      waiting = { epoch, bytes, stored };
      if (!busy) saving = drain();
    },
    discardWaiting() {
      waiting = undefined;
    },
    idle: () => saving,
    get savedAny() {
      return savedAny;
    },
  };
}
