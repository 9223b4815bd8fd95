import type { EarlyTerminate, KeptKind, Layer, ModelSpec, TrialStatus } from "@sweep/core";
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from "drizzle-orm/pg-core";

/**
 * The system of record. Migrations are generated from this file by drizzle-kit
 * (`npm run db:generate -w packages/store`, into drizzle/) and applied on open; PGlite
 * and server Postgres share them. Statements are written with the `sql` tag (sql.ts),
 * not drizzle's query builder: the schema serves migrations and row types only.
 */

/** One launched sweep. `config` is the validated config as the user wrote it. */
export const sweeps = pgTable("sweeps", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  config: jsonb("config").notNull(),
  configHash: text("config_hash").notNull(),
  /** queued | running | completed | cancelled (completed: every trial terminal). */
  status: text("status").notNull().default("queued"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp("finished_at", { withTimezone: true }),
});

/** One point of a sweep. Terminal rows (completed/failed/pruned/cancelled) are never modified. */
export const trials = pgTable(
  "trials",
  {
    id: text("id").primaryKey(),
    sweepId: text("sweep_id")
      .notNull()
      .references(() => sweeps.id, { onDelete: "cascade" }),
    ordinal: integer("ordinal").notNull(),
    name: text("name").notNull(),
    key: text("key").notNull(),
    params: jsonb("params").notNull().$type<Record<string, unknown>>(),
    model: jsonb("model").notNull().$type<{ spec: ModelSpec; layers: Layer[] }>(),
    status: text("status").notNull().default("queued").$type<TrialStatus>(),
    /** Delivery attempt of the latest recorded event; older attempts cannot write. */
    attempt: integer("attempt").notNull().default(0),
    worker: text("worker"),
    backend: text("backend"),
    paramCount: integer("param_count"),
    epochsPlanned: integer("epochs_planned").notNull(),
    /** The trial's stopping rule; its patience/min_delta also drive the recorded overfit epoch. */
    earlyTerminate: jsonb("early_terminate").$type<EarlyTerminate>(),
    bestValLoss: doublePrecision("best_val_loss"),
    bestEpoch: integer("best_epoch"),
    overfitEpoch: integer("overfit_epoch"),
    testLoss: doublePrecision("test_loss"),
    testAccuracy: doublePrecision("test_accuracy"),
    /** Which weights test_loss and test_accuracy are of: `last`, or `best` (training.restore_best_weights). */
    testWeights: text("test_weights").$type<KeptKind>(),
    /** The epoch of those weights. */
    testEpoch: integer("test_epoch"),
    error: text("error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    durationMs: doublePrecision("duration_ms"),
    /*
     * The trial's summary of its epoch rows, kept by the recorder in the transaction that
     * writes them (`refreshTrialSummaries`), so `trial_ranking` and the dashboard read one
     * row per trial instead of its epochs.
     */
    /** Epoch rows recorded. */
    epochsDone: integer("epochs_done").notNull().default(0),
    lastEpoch: integer("last_epoch"),
    lastValLoss: doublePrecision("last_val_loss"),
    lastValAccuracy: doublePrecision("last_val_accuracy"),
    valAccuracyAtBest: doublePrecision("val_accuracy_at_best"),
    /** Mean duration of its recorded epochs. */
    meanEpochMs: doublePrecision("mean_epoch_ms"),
    /** `trial_ranking.metric_value`: the sweep's metric, best epoch toward its goal (test_*: final value). */
    metricValue: doublePrecision("metric_value"),
    /** metric_value turned so that ascending is best first (negated for `maximize`): what rank orders by. */
    rankKey: doublePrecision("rank_key"),
    /** The id of the last transaction that wrote the row: readers fetch what changed since a snapshot's xmin. */
    changeXid: bigint("change_xid", { mode: "number" }).notNull().default(sql`(pg_current_xact_id()::text)::bigint`),
  },
  (t) => [
    index("trials_sweep_idx").on(t.sweepId, t.ordinal),
    index("trials_rank_idx").on(t.sweepId, t.rankKey, t.ordinal),
    index("trials_status_idx").on(t.sweepId, t.status),
    index("trials_change_idx").on(t.sweepId, t.changeXid),
    // The dashboard's sort keys (ranking-page.ts), each with its tie-breakers.
    index("trials_last_val_loss_idx").on(t.sweepId, t.lastValLoss, t.rankKey, t.ordinal),
    index("trials_last_val_accuracy_idx").on(t.sweepId, t.lastValAccuracy.desc().nullsLast(), t.rankKey, t.ordinal),
    index("trials_test_accuracy_idx").on(t.sweepId, t.testAccuracy.desc().nullsLast(), t.rankKey, t.ordinal),
    index("trials_epochs_done_idx").on(t.sweepId, t.epochsDone.desc(), t.rankKey, t.ordinal),
  ],
);

/** Keras History, one row per (trial, epoch); epoch is 1-based. */
export const epochs = pgTable(
  "epochs",
  {
    trialId: text("trial_id")
      .notNull()
      .references(() => trials.id, { onDelete: "cascade" }),
    epoch: integer("epoch").notNull(),
    loss: doublePrecision("loss").notNull(),
    accuracy: doublePrecision("accuracy").notNull(),
    valLoss: doublePrecision("val_loss").notNull(),
    valAccuracy: doublePrecision("val_accuracy").notNull(),
    durationMs: doublePrecision("duration_ms").notNull(),
    imagesPerS: doublePrecision("images_per_s").notNull(),
    attempt: integer("attempt").notNull(),
    recordedAt: timestamp("recorded_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.trialId, t.epoch] })],
);

/** Last heartbeat seen from each worker process. */
export const workers = pgTable("workers", {
  id: text("id").primaryKey(),
  host: text("host").notNull(),
  pid: integer("pid").notNull(),
  threads: integer("threads").notNull(),
  backend: text("backend").notNull(),
  trials: jsonb("trials").notNull().$type<string[]>(),
  imagesPerS: doublePrecision("images_per_s").notNull().default(0),
  status: text("status").notNull(),
  lastSeen: timestamp("last_seen", { withTimezone: true }).notNull(),
});

/**
 * A hyperband rung reached by a trial: the search controller's decision there, taken
 * once (in the transaction that records the rung epoch) and never changed. A `prune`
 * row of a trial still running is a stop the workers have yet to carry out.
 */
export const rungDecisions = pgTable(
  "rung_decisions",
  {
    trialId: text("trial_id")
      .notNull()
      .references(() => trials.id, { onDelete: "cascade" }),
    /** The rung's epoch (1-based). */
    epoch: integer("epoch").notNull(),
    /** 1 at min_iter, 2 at min_iter·eta, … */
    rung: integer("rung").notNull(),
    /** continue | prune */
    action: text("action").notNull().$type<"continue" | "prune">(),
    /** With `prune`: the reason the trial is recorded pruned with. */
    reason: text("reason"),
    decidedAt: timestamp("decided_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.trialId, t.epoch] })],
);

/**
 * The weights a finished trial kept (`training.keep_weights`), one row per kind: its
 * best epoch by the sweep's metric and/or its last. Written from the trial's `completed`
 * or `pruned` event, after the weights were stored (under `.sweep/models/`, or in the
 * `sweep_models` object store); `stored` false says they are not there, `note` why (a
 * full disk or bucket, or dropped by a `keep_top` bound).
 */
export const keptWeights = pgTable(
  "kept_weights",
  {
    trialId: text("trial_id")
      .notNull()
      .references(() => trials.id, { onDelete: "cascade" }),
    /** best | last */
    kind: text("kind").notNull().$type<KeptKind>(),
    /** The epoch (1-based) the weights are from. */
    epoch: integer("epoch").notNull(),
    /** Size of the stored weights file in bytes. */
    sizeBytes: bigint("size_bytes", { mode: "number" }).notNull(),
    stored: boolean("stored").notNull(),
    note: text("note"),
    keptAt: timestamp("kept_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.trialId, t.kind] })],
);

export type SweepRow = typeof sweeps.$inferSelect;
export type TrialRow = typeof trials.$inferSelect;
export type EpochRow = typeof epochs.$inferSelect;
export type WorkerRow = typeof workers.$inferSelect;
export type RungDecisionRow = typeof rungDecisions.$inferSelect;
export type KeptWeightsRow = typeof keptWeights.$inferSelect;
