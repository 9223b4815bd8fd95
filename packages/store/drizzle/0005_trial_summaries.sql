-- Per-trial summaries of the epoch rows (epochs_done, last_*, val_accuracy_at_best,
-- mean_epoch_ms, metric_value, rank_key), kept by the recorder in the transaction that
-- writes the epochs (refreshTrialSummaries, store/src/trial-summaries.ts), and a change
-- marker (change_xid) for readers that fetch only what changed. trial_ranking then reads
-- one row per trial instead of every epoch: same columns, same values. Generated columns
-- and indexes from schema.ts, then the hand-written backfill and view (one file).
ALTER TABLE "trials" ADD COLUMN "epochs_done" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "trials" ADD COLUMN "last_epoch" integer;--> statement-breakpoint
ALTER TABLE "trials" ADD COLUMN "last_val_loss" double precision;--> statement-breakpoint
ALTER TABLE "trials" ADD COLUMN "last_val_accuracy" double precision;--> statement-breakpoint
ALTER TABLE "trials" ADD COLUMN "val_accuracy_at_best" double precision;--> statement-breakpoint
ALTER TABLE "trials" ADD COLUMN "mean_epoch_ms" double precision;--> statement-breakpoint
ALTER TABLE "trials" ADD COLUMN "metric_value" double precision;--> statement-breakpoint
ALTER TABLE "trials" ADD COLUMN "rank_key" double precision;--> statement-breakpoint
ALTER TABLE "trials" ADD COLUMN "change_xid" bigint DEFAULT (pg_current_xact_id()::text)::bigint NOT NULL;--> statement-breakpoint
-- A trial row is written on every recorded batch and read by every ranking: keep its
-- model (about 1.3 kB of jsonb) out of line, so the row stays a few hundred bytes.
ALTER TABLE "trials" SET (toast_tuple_target = 256);--> statement-breakpoint
-- Backfill: the same computation as trial_ranking of migration 0003 (and as
-- refreshTrialSummaries), once over every trial already stored.
UPDATE "trials" t SET
  epochs_done = x.epochs_done, last_epoch = x.last_epoch, last_val_loss = x.last_val_loss,
  last_val_accuracy = x.last_val_accuracy, val_accuracy_at_best = x.val_accuracy_at_best,
  mean_epoch_ms = x.mean_epoch_ms, metric_value = x.metric_value,
  rank_key = CASE WHEN x.goal = 'maximize' THEN -x.metric_value ELSE x.metric_value END
FROM (
  SELECT
    t.id,
    m.goal,
    coalesce(agg.n, 0)::int AS epochs_done,
    last_row.epoch AS last_epoch,
    last_row.val_loss AS last_val_loss,
    last_row.val_accuracy AS last_val_accuracy,
    best.val_accuracy AS val_accuracy_at_best,
    agg.mean_ms AS mean_epoch_ms,
    CASE
      WHEN m.name = 'test_loss' THEN t.test_loss
      WHEN m.name = 'test_accuracy' THEN t.test_accuracy
      WHEN m.name = 'val_loss' AND m.goal = 'minimize' THEN t.best_val_loss
      WHEN m.goal = 'maximize' THEN agg.max_value
      ELSE agg.min_value
    END AS metric_value
  FROM "trials" t
  JOIN "sweeps" s ON s.id = t.sweep_id
  CROSS JOIN LATERAL (
    SELECT coalesce(s.config -> 'metric' ->> 'name', 'val_loss') AS name,
           coalesce(s.config -> 'metric' ->> 'goal', 'minimize') AS goal
  ) m
  LEFT JOIN "epochs" best ON best.trial_id = t.id AND best.epoch = t.best_epoch
  LEFT JOIN LATERAL (
    SELECT e.epoch, e.val_loss, e.val_accuracy FROM "epochs" e WHERE e.trial_id = t.id ORDER BY e.epoch DESC LIMIT 1
  ) last_row ON true
  LEFT JOIN LATERAL (
    SELECT count(*) AS n, avg(e.duration_ms) AS mean_ms, min(v.value) AS min_value, max(v.value) AS max_value
    FROM "epochs" e
    CROSS JOIN LATERAL (
      SELECT CASE m.name
               WHEN 'val_loss' THEN e.val_loss
               WHEN 'val_accuracy' THEN e.val_accuracy
               WHEN 'loss' THEN e.loss
               WHEN 'accuracy' THEN e.accuracy
             END AS value
    ) v
    WHERE e.trial_id = t.id
  ) agg ON true
) x
WHERE t.id = x.id;
--> statement-breakpoint
CREATE INDEX "trials_rank_idx" ON "trials" USING btree ("sweep_id","rank_key","ordinal");--> statement-breakpoint
CREATE INDEX "trials_status_idx" ON "trials" USING btree ("sweep_id","status");--> statement-breakpoint
CREATE INDEX "trials_change_idx" ON "trials" USING btree ("sweep_id","change_xid");--> statement-breakpoint
CREATE INDEX "trials_last_val_loss_idx" ON "trials" USING btree ("sweep_id","last_val_loss","rank_key","ordinal");--> statement-breakpoint
CREATE INDEX "trials_last_val_accuracy_idx" ON "trials" USING btree ("sweep_id","last_val_accuracy" DESC NULLS LAST,"rank_key","ordinal");--> statement-breakpoint
CREATE INDEX "trials_test_accuracy_idx" ON "trials" USING btree ("sweep_id","test_accuracy" DESC NULLS LAST,"rank_key","ordinal");--> statement-breakpoint
CREATE INDEX "trials_epochs_done_idx" ON "trials" USING btree ("sweep_id","epochs_done" DESC NULLS LAST,"rank_key","ordinal");--> statement-breakpoint
-- trial_ranking over the summaries: the columns of migration 0003, in its order.
CREATE OR REPLACE VIEW "trial_ranking" AS
SELECT
  t.sweep_id,
  s.name AS sweep_name,
  CASE WHEN t.metric_value IS NULL THEN NULL
       ELSE (rank() OVER (PARTITION BY t.sweep_id ORDER BY t.rank_key ASC NULLS LAST))::int
  END AS rank,
  t.id AS trial_id,
  t.ordinal,
  t.name AS trial_name,
  t.params,
  t.status,
  t.best_val_loss,
  t.best_epoch,
  t.overfit_epoch,
  t.last_epoch,
  t.last_val_loss,
  t.val_accuracy_at_best,
  t.test_loss,
  t.test_accuracy,
  t.param_count,
  t.backend,
  t.epochs_planned,
  m.name AS metric_name,
  m.goal AS metric_goal,
  t.metric_value
FROM "trials" t
JOIN "sweeps" s ON s.id = t.sweep_id
CROSS JOIN LATERAL (
  SELECT coalesce(s.config -> 'metric' ->> 'name', 'val_loss') AS name,
         coalesce(s.config -> 'metric' ->> 'goal', 'minimize') AS goal
) m;
