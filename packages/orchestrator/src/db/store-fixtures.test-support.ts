import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  datasetSchema,
  type EarlyTerminate,
  type EpochMetrics,
  modelSchema,
  type TrialEvent,
  type TrialSpec,
  trainingSchema,
} from "@sweep/core";
import postgres from "postgres";
import type { SweepDatabase } from "./database.js";
import { openDatabase } from "./open.js";

/** The test server (trust auth): TEST_PG_URL, which npm test's global setup sets, else 127.0.0.1:5432. */
export const ADMIN_URL = process.env.TEST_PG_URL || "postgres://postgres@127.0.0.1:5432/postgres";

/** The URL of `database` on the test server. */
export function testDatabaseUrl(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Opens a fresh, migrated database per call; `dispose` removes every one it made. */
export interface DatabaseFactory {
  open(): Promise<SweepDatabase>;
  dispose(): Promise<void>;
}

export function pgliteFactory(): DatabaseFactory {
  const dirs: string[] = [];
  const handles: SweepDatabase[] = [];
  return {
    async open() {
      const dir = await mkdtemp(path.join(os.tmpdir(), "sweep-store-"));
      dirs.push(dir);
      const database = await openDatabase({ embeddedDir: dir });
      handles.push(database);
      return database;
    },
    async dispose() {
      for (const handle of handles) await handle.close().catch(() => {});
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** One `sweep_test_<random>` database per factory (per test file); tests tell their rows apart by sweep id. */
export function postgresFactory(): DatabaseFactory {
  const name = `sweep_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  const handles: SweepDatabase[] = [];
  let created = false;
  return {
    async open() {
      if (!created) await admin.unsafe(`CREATE DATABASE ${name}`);
      created = true;
      const database = await openDatabase({ url: testDatabaseUrl(name) });
      handles.push(database);
      return database;
    },
    async dispose() {
      for (const handle of handles) await handle.close().catch(() => {});
      if (created) await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

let sweepCounter = 0;

/** A unique sweep id per call, so tests sharing a database never see each other's rows. */
export function newSweepId(): string {
  sweepCounter += 1;
  return `s${randomBytes(3).toString("hex")}${sweepCounter}`;
}

export function trialSpecs(sweepId: string, count: number, earlyTerminate?: EarlyTerminate): TrialSpec[] {
  return Array.from({ length: count }, (_, ordinal) => ({
    id: `${sweepId}-t${String(ordinal).padStart(3, "0")}`,
    sweepId,
    ordinal,
    name: `variant-${ordinal + 1}`,
    key: `key-${sweepId}-${ordinal}`,
    params: { "model.pool.size": ordinal + 2 },
    model: modelSchema.parse({}),
    layers: [{ kind: "flatten" }, { kind: "dense", units: 10, activation: "softmax" }],
    training: trainingSchema.parse({ epochs: 6 }),
    dataset: datasetSchema.parse({ train_limit: 256 }),
    ...(earlyTerminate ? { earlyTerminate } : {}),
  }));
}

export function metrics(epoch: number, valLoss: number, loss = 1 / epoch): EpochMetrics {
  return {
    epoch,
    loss,
    accuracy: 0.9,
    val_loss: valLoss,
    val_accuracy: 1 - valLoss / 10,
    duration_ms: 100,
    images_per_s: 500,
  };
}

const base = (trial: TrialSpec, attempt: number) => ({
  v: 1 as const,
  sweepId: trial.sweepId,
  trialId: trial.id,
  attempt,
  at: new Date().toISOString(),
});

export const events = {
  started: (trial: TrialSpec, attempt = 1, resumeFromEpoch = 0): TrialEvent => ({
    ...base(trial, attempt),
    type: "started",
    worker: "w1",
    backend: "cpu",
    paramCount: 7850,
    resumeFromEpoch,
  }),
  epoch: (trial: TrialSpec, epoch: number, valLoss: number, attempt = 1): TrialEvent => ({
    ...base(trial, attempt),
    type: "epoch",
    metrics: metrics(epoch, valLoss),
  }),
  completed: (trial: TrialSpec, attempt = 1): TrialEvent => ({
    ...base(trial, attempt),
    type: "completed",
    test_loss: 0.03,
    test_accuracy: 0.99,
    duration_ms: 1234,
  }),
  failed: (trial: TrialSpec, retryable: boolean, attempt = 1): TrialEvent => ({
    ...base(trial, attempt),
    type: "failed",
    error: "NaN loss",
    retryable,
  }),
  cancelled: (trial: TrialSpec, attempt = 1): TrialEvent => ({ ...base(trial, attempt), type: "cancelled", epoch: 1 }),
};
