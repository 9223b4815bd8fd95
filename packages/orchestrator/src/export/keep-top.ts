import { DEFAULT_KEEP_TOP, errorMessage, type TrialEvent } from "@sweep/core";
import type { KeptModels } from "@sweep/protocol";
import { keptBeyondTop, markKeptDropped, type SweepDatabase, sweepById } from "@sweep/store";

/**
 * Enforces a sweep's `keep_top`: the kept weights of finished trials placed beyond it
 * are marked dropped in `kept_weights` (with the reason), then deleted from the store.
 * Returns one line per dropped file, to be said.
 */
export async function dropBeyondTop(db: SweepDatabase, models: KeptModels, sweepId: string): Promise<string[]> {
  const sweep = await sweepById(db, sweepId);
  const config = (sweep?.config ?? {}) as { keep_top?: number; metric?: { name?: string } };
  const top = config.keep_top ?? DEFAULT_KEEP_TOP;
  const beyond = await keptBeyondTop(db, sweepId, top);
  if (beyond.length === 0) return [];
  const metric = config.metric?.name ?? "val_loss";
  const noteOf = (place: number) => `dropped: place ${place} of the finished trials by ${metric}, keep_top ${top}`;
  await markKeptDropped(
    db,
    beyond.map((row) => ({ trial_id: row.trial_id, kind: row.kind, note: noteOf(row.place) })),
  );
  const lines: string[] = [];
  for (const row of beyond) {
    const removed = await models.remove(row.trial_id, row.kind).then(
      () => "",
      (error) => ` (its file stays: ${errorMessage(error)})`,
    );
    lines.push(`kept ${row.kind} weights of ${row.trial_id} (epoch ${row.epoch}) ${noteOf(row.place)}${removed}`);
  }
  return lines;
}

/**
 * After recorded events: `dropBeyondTop` for each sweep with a trial that finished with
 * kept weights among them, one call at a time; lines and errors go to `log`.
 */
export function keepTopAfterRecording(
  db: SweepDatabase,
  models: KeptModels,
  log: (line: string) => void,
): { after(events: readonly TrialEvent[]): Promise<void> } {
  let queue: Promise<void> = Promise.resolve();
  return {
    after(events) {
      const sweeps = new Set(
        events.flatMap((event) =>
          (event.type === "completed" || event.type === "pruned") && event.kept?.length ? [event.sweepId] : [],
        ),
      );
      queue = queue.then(async () => {
        for (const sweepId of sweeps) {
          try {
            for (const line of await dropBeyondTop(db, models, sweepId)) log(line);
          } catch (error) {
            log(`keep_top of ${sweepId} not applied: ${errorMessage(error)}`);
          }
        }
      });
      return queue;
    },
  };
}
