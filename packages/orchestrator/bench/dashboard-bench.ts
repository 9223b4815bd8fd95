import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { renderDashboardFrame } from "@sweep/dashboard-tui";
import { openDatabase, resolveDatabaseTarget } from "@sweep/store";
import postgres from "postgres";
import { snapshotLoader } from "../dist/dashboard/load-snapshot.js";
import { seedSweep } from "./seed-sweep.js";
import { syntheticTrialRows } from "./synthetic-sweep.js";

/**
 * `npm run bench:dashboard [-- --db URL] [--trials N] [--epochs N] [--frames N]`:
 * seeds a sweep (default 1,000 trials × 20 epochs, 4 running, 10 queued) and prints
 * the median time to load a dashboard snapshot and to render one 160×50 frame, and
 * the process RSS. Without --db it uses a PGlite store in a temp directory; with
 * --db postgres://… it creates its own database on that server and drops it after.
 */
const { values } = parseArgs({
  options: {
    db: { type: "string" },
    trials: { type: "string", default: "1000" },
    epochs: { type: "string", default: "20" },
    frames: { type: "string", default: "30" },
  },
});
const trials = Number(values.trials);
const epochs = Number(values.epochs);
const frames = Number(values.frames);

const sweepId = `bench-dashboard-${process.pid}`;
const server = values.db ? await createServerDatabase(values.db, sweepId.replaceAll("-", "_")) : null;
const tempDir = server ? null : await mkdtemp(path.join(tmpdir(), "sweep-bench-dashboard-"));
const db = await openDatabase(resolveDatabaseTarget({ db: server?.url ?? path.join(tempDir ?? "", "db") }));
try {
  const seedStart = performance.now();
  await seedSweep(db, {
    sweepId,
    sweepName: "bench-dashboard",
    trials: syntheticTrialRows({ trials, epochs, running: 4, queued: 10 }),
  });
  const seedMs = performance.now() - seedStart;

  const load = snapshotLoader(db, { sweepRef: sweepId });
  const queryMs: number[] = [];
  const renderMs: number[] = [];
  for (let i = 0; i < frames; i++) {
    const start = performance.now();
    const snapshot = await load();
    const loaded = performance.now();
    renderDashboardFrame(snapshot, { columns: 160, rows: 50 });
    queryMs.push(loaded - start);
    renderMs.push(performance.now() - loaded);
  }
  const total = queryMs.map((q, i) => q + renderMs[i]);
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  console.log(
    `database: ${values.db ? "server (--db)" : "PGlite (temp dir)"}; ${trials} trials × ${epochs} epochs seeded in ${seedMs.toFixed(0)} ms`,
  );
  console.log(`first frame: query ${queryMs[0].toFixed(1)} ms + render ${renderMs[0].toFixed(1)} ms`);
  console.log(
    `median of ${frames} frames: query ${median(queryMs).toFixed(1)} ms + render ${median(renderMs).toFixed(1)} ms = ${median(total).toFixed(1)} ms (target < 100 ms)`,
  );
  console.log(`RSS ${mb(process.memoryUsage().rss)}, heap used ${mb(process.memoryUsage().heapUsed)}`);
} finally {
  await db.close();
  await server?.drop();
  if (tempDir) await rm(tempDir, { recursive: true, force: true });
}

/** A fresh database named `name` on the server of `url`, dropped by `drop()`. */
async function createServerDatabase(url: string, name: string) {
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    url: target.toString(),
    drop: async () => {
      await admin.unsafe(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
