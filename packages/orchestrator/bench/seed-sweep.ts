import {
  compileLayers,
  datasetSchema,
  modelSchema,
  type TrialEvent,
  type TrialSpec,
  trainingSchema,
} from "@sweep/core";
import { createSweep, recordEvents, recordHeartbeat, type SweepDatabase } from "@sweep/store";
import type { SyntheticTrial } from "./synthetic-sweep.js";

/** A worker heartbeat; `silentForMs` back-dates it. */
export interface SeedWorker {
  id: string;
  host: string;
  threads: number;
  backend: string;
  imagesPerS: number;
  silentForMs: number;
}

export interface SeedRequest {
  sweepId: string;
  sweepName: string;
  trials: readonly SyntheticTrial[];
  workers?: readonly SeedWorker[];
  /** The sweep's stored config; default `{ name: sweepName }`. */
  config?: unknown;
}

/** Events recorded per transaction: large enough to be quick, small enough to keep each transaction short. */
const EVENTS_PER_BATCH = 2_000;

/**
 * Writes a sweep through the storage layer, as `sweep launch` and the recorder would:
 * `createSweep` with one reference Model1 trial spec per synthetic trial, then the
 * trials' started / epoch / completed events through `recordEvents` (which stores
 * the best and overfit epochs), then the workers' heartbeats.
 */
export async function seedSweep(
  db: SweepDatabase,
  { sweepId, sweepName, trials, workers = [], config }: SeedRequest,
): Promise<void> {
  const model = modelSchema.parse({});
  const layers = compileLayers(model);
  const dataset = datasetSchema.parse({});
  const specs: TrialSpec[] = trials.map((t) => ({
    id: `${sweepId}-t${String(t.ordinal).padStart(3, "0")}`,
    sweepId,
    ordinal: t.ordinal,
    name: t.name,
    key: `${sweepId}-${t.ordinal}`,
    params: t.params,
    model,
    layers,
    training: trainingSchema.parse({ epochs: t.epochsPlanned }),
    dataset,
  }));
  await createSweep(
    db,
    { id: sweepId, name: sweepName, config: config ?? { name: sweepName }, configHash: sweepId },
    specs,
  );

  const at = new Date().toISOString();
  const events: TrialEvent[] = trials.flatMap((t, i): TrialEvent[] => {
    if (t.status === "queued") return [];
    const base = { v: 1 as const, sweepId, trialId: specs[i].id, attempt: 1, at };
    return [
      { ...base, type: "started", worker: "seed", backend: "wasm", paramCount: 1_199_882, resumeFromEpoch: 0 },
      ...t.epochs.map((metrics): TrialEvent => ({ ...base, type: "epoch", metrics })),
      ...(t.status === "completed"
        ? [{ ...base, type: "completed" as const, test_loss: 0.03, test_accuracy: t.testAccuracy ?? 0, duration_ms: 1 }]
        : []),
    ];
  });
  for (let start = 0; start < events.length; start += EVENTS_PER_BATCH) {
    await recordEvents(db, events.slice(start, start + EVENTS_PER_BATCH));
  }

  for (const w of workers) {
    await recordHeartbeat(db, {
      id: w.id,
      host: w.host,
      pid: 1,
      threads: w.threads,
      backend: w.backend,
      trials: [],
      images_per_s: w.imagesPerS,
      at: new Date(Date.now() - w.silentForMs).toISOString(),
      status: "running",
    });
  }
}
