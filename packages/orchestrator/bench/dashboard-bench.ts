import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { TrialEvent } from "@sweep/core";
import { initialViewState, pageRequest, renderDashboardFrame } from "@sweep/dashboard-tui";
import { openDatabase, openTrials, recordEvents, resolveDatabaseTarget, type SweepDatabase } from "@sweep/store";
import postgres from "postgres";
import { snapshotLoader } from "../dist/dashboard/load-snapshot.js";
import { seedSweep } from "./seed-sweep.js";
import { syntheticTrialRows } from "./synthetic-sweep.js";

/**
 * `npm run bench:dashboard [-- --db URL] [--trials N] [--epochs N] [--frames N]`:
 * seeds a sweep (default 1,000 trials × 20 epochs, 4 running, 10 queued) in a child
 * process, then, in this one, loads and renders dashboard frames of 160×50 as
 * `sweep dashboard` does, with one new epoch of a running trial recorded before each
 * frame after the first (so each refresh has a change to read), and prints the first
 * frame, the median frame (query + render) and this process's RSS. Without --db it
 * uses a PGlite store in a temp directory; with --db postgres://… it creates its own
 * database on that server and drops it after. (`--seed-only` is the child's part.)
 */
const { values } = parseArgs({
  options: {
    db: { type: "string" },
    trials: { type: "string", default: "1000" },
    epochs: { type: "string", default: "20" },
    frames: { type: "string", default: "30" },
    "seed-only": { type: "boolean", default: false },
  },
});
const trials = Number(values.trials);
const epochs = Number(values.epochs);
const frames = Number(values.frames);

if (values["seed-only"]) {
  const db = await openDatabase(resolveDatabaseTarget({ db: values.db }));
  try {
    await seedSweep(db, {
      sweepId: "bench-dashboard",
      sweepName: "bench-dashboard",
      trials: syntheticTrialRows({ trials, epochs, running: 4, queued: 10 }),
    });
  } finally {
    await db.close();
  }
} else {
  const name = `bench_dashboard_${process.pid}`;
  const server = values.db ? await createServerDatabase(values.db, name) : null;
  const tempDir = server ? null : await mkdtemp(path.join(tmpdir(), "sweep-bench-dashboard-"));
  const target = server?.url ?? path.join(tempDir ?? "", "db");
  try {
    const seedStart = performance.now();
    await seedInChild(target);
    const seedMs = performance.now() - seedStart;
    const db = await openDatabase(resolveDatabaseTarget({ db: target }));
    try {
      await measureFrames(db, seedMs);
    } finally {
      await db.close();
    }
  } finally {
    await server?.drop();
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  }
}

async function measureFrames(db: SweepDatabase, seedMs: number): Promise<void> {
  const load = snapshotLoader(db, { sweepRef: "bench-dashboard" });
  const request = pageRequest(initialViewState, 50);
  const running = (await openTrials(db, "bench-dashboard")).filter((trial) => trial.status === "running");
  const queryMs: number[] = [];
  const renderMs: number[] = [];
  for (let i = 0; i < frames; i++) {
    if (i > 0) await recordEvents(db, [nextEpoch(running[i % running.length]?.id ?? "", i)]);
    const start = performance.now();
    const snapshot = await load(request);
    const loaded = performance.now();
    renderDashboardFrame(snapshot, { columns: 160, rows: 50 });
    queryMs.push(loaded - start);
    renderMs.push(performance.now() - loaded);
  }
  const total = queryMs.map((q, i) => q + (renderMs[i] as number));
  const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  console.log(
    `database: ${values.db ? "server (--db)" : "PGlite (temp dir)"}; ${trials} trials × ${epochs} epochs seeded in ${seedMs.toFixed(0)} ms (child process)`,
  );
  console.log(`first frame: query ${queryMs[0]?.toFixed(1)} ms + render ${renderMs[0]?.toFixed(1)} ms`);
  console.log(
    `median of ${frames} frames: query ${median(queryMs).toFixed(1)} ms + render ${median(renderMs).toFixed(1)} ms = ${median(total).toFixed(1)} ms (target < 50 ms)`,
  );
  console.log(`RSS ${mb(process.memoryUsage().rss)}, heap used ${mb(process.memoryUsage().heapUsed)}`);
}

/** An epoch event of a running trial past the epochs it has (attempt 1, as the seed recorded them). */
function nextEpoch(trialId: string, frame: number): TrialEvent {
  const epoch = Math.ceil(epochs / 2) + Math.ceil(frame / 4);
  return {
    v: 1,
    type: "epoch",
    sweepId: "bench-dashboard",
    trialId,
    attempt: 1,
    at: new Date().toISOString(),
    metrics: {
      epoch,
      loss: 0.01,
      accuracy: 0.99,
      val_loss: 0.05,
      val_accuracy: 0.98,
      duration_ms: 40_000,
      images_per_s: 120,
    },
  };
}

/** Runs this script with --seed-only for `target` and waits for it. */
function seedInChild(target: string): Promise<void> {
  const script = fileURLToPath(import.meta.url);
  const args = [script, "--seed-only", "--db", target, "--trials", String(trials), "--epochs", String(epochs)];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: "inherit" });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`seeding exited with ${code}`))));
  });
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
  return sorted[Math.floor(sorted.length / 2)] as number;
}
