import { STALE_WORKER_AFTER_MS, type WorkerHeartbeat } from "@sweep/core";
import type { Queryable } from "./database.js";
import type { WorkerRow } from "./schema.js";
import { sql } from "./sql.js";

/** Stores a worker's latest heartbeat (one row per worker id); an older heartbeat never replaces a newer one. */
export async function recordHeartbeat(database: Queryable, heartbeat: WorkerHeartbeat): Promise<void> {
  await database.query(sql`
    INSERT INTO workers (id, host, pid, threads, backend, trials, images_per_s, status, last_seen)
    VALUES (${heartbeat.id}, ${heartbeat.host}, ${heartbeat.pid}, ${heartbeat.threads}, ${heartbeat.backend},
      ${heartbeat.trials}::jsonb, ${heartbeat.images_per_s}, ${heartbeat.status},
      ${heartbeat.at}::timestamptz)
    ON CONFLICT (id) DO UPDATE SET host = excluded.host, pid = excluded.pid, threads = excluded.threads,
      backend = excluded.backend, trials = excluded.trials, images_per_s = excluded.images_per_s,
      status = excluded.status, last_seen = excluded.last_seen
    WHERE workers.last_seen <= excluded.last_seen`);
}

/** A worker row and whether it missed three heartbeats (`STALE_WORKER_AFTER_MS`). */
export interface WorkerListing extends WorkerRow {
  stale: boolean;
}

/** Every worker that ever reported, by id, with staleness judged at `now`. */
export async function listWorkers(database: Queryable, now: Date = new Date()): Promise<WorkerListing[]> {
  const rows = await database.query<WorkerRow>(sql`
    SELECT id, host, pid, threads, backend, trials, images_per_s AS "imagesPerS", status, last_seen AS "lastSeen"
    FROM workers ORDER BY id`);
  return rows.map((row) => ({
    ...row,
    stale: row.status !== "stopped" && now.getTime() - row.lastSeen.getTime() > STALE_WORKER_AFTER_MS,
  }));
}
