import { dbSchema, STALE_WORKER_AFTER_MS, type WorkerHeartbeat, type WorkerRow } from "@sweep/core";
import { asc, sql } from "drizzle-orm";
import type { SweepDatabase } from "./database.js";

const { workers } = dbSchema;

/** Stores a worker's latest heartbeat (one row per worker id); an older heartbeat never replaces a newer one. */
export async function recordHeartbeat(database: SweepDatabase, heartbeat: WorkerHeartbeat): Promise<void> {
  const changes = {
    host: heartbeat.host,
    pid: heartbeat.pid,
    threads: heartbeat.threads,
    backend: heartbeat.backend,
    trials: heartbeat.trials,
    imagesPerS: heartbeat.images_per_s,
    status: heartbeat.status,
    lastSeen: new Date(heartbeat.at),
  };
  await database.db
    .insert(workers)
    .values({ id: heartbeat.id, ...changes })
    .onConflictDoUpdate({ target: workers.id, set: changes, setWhere: sql`${workers.lastSeen} <= excluded.last_seen` });
}

/** A worker row and whether it missed three heartbeats (`STALE_WORKER_AFTER_MS`). */
export interface WorkerListing extends WorkerRow {
  stale: boolean;
}

/** Every worker that ever reported, by id, with staleness judged at `now`. */
export async function listWorkers(database: SweepDatabase, now: Date = new Date()): Promise<WorkerListing[]> {
  const rows = await database.db.select().from(workers).orderBy(asc(workers.id));
  return rows.map((row) => ({
    ...row,
    stale: row.status !== "stopped" && now.getTime() - row.lastSeen.getTime() > STALE_WORKER_AFTER_MS,
  }));
}
