ALTER TABLE "trials" ADD COLUMN "test_weights" text;--> statement-breakpoint
ALTER TABLE "trials" ADD COLUMN "test_epoch" integer;;--> statement-breakpoint
-- trial_ranking says which weights the test figures are of: test_weights (last, or best
-- with training.restore_best_weights) and test_epoch. Hand-written; CREATE OR REPLACE
-- keeps the columns before them and the reader role's grant.
CREATE OR REPLACE VIEW "trial_ranking" AS
SELECT
  r.sweep_id,
  r.sweep_name,
  CASE WHEN r.metric_value IS NULL THEN NULL
       ELSE (rank() OVER (
         PARTITION BY r.sweep_id
         ORDER BY CASE WHEN r.metric_goal = 'maximize' THEN -r.metric_value ELSE r.metric_value END ASC NULLS LAST
       ))::int
  END AS rank,
  r.trial_id,
  r.ordinal,
  r.trial_name,
  r.params,
  r.status,
  r.best_val_loss,
  r.best_epoch,
  r.overfit_epoch,
  r.last_epoch,
  r.last_val_loss,
  r.val_accuracy_at_best,
  r.test_loss,
  r.test_accuracy,
  r.param_count,
  r.backend,
  r.epochs_planned,
  r.metric_name,
  r.metric_goal,
  r.metric_value,
  r.test_weights,
  r.test_epoch
FROM (
  SELECT
    t.sweep_id,
    s.name AS sweep_name,
    t.id AS trial_id,
    t.ordinal,
    t.name AS trial_name,
    t.params,
    t.status,
    t.best_val_loss,
    t.best_epoch,
    t.overfit_epoch,
    last_epoch.epoch AS last_epoch,
    last_epoch.val_loss AS last_val_loss,
    best.val_accuracy AS val_accuracy_at_best,
    t.test_loss,
    t.test_accuracy,
    t.param_count,
    t.backend,
    t.epochs_planned,
    m.name AS metric_name,
    m.goal AS metric_goal,
    CASE
      WHEN m.name = 'test_loss' THEN t.test_loss
      WHEN m.name = 'test_accuracy' THEN t.test_accuracy
      WHEN m.name = 'val_loss' AND m.goal = 'minimize' THEN t.best_val_loss
      ELSE per_epoch.value
    END AS metric_value,
    -- Trials tested before the column existed were tested on their last epoch.
    coalesce(t.test_weights, CASE WHEN t.test_loss IS NOT NULL THEN 'last' END) AS test_weights,
    CASE WHEN t.test_epoch IS NOT NULL THEN t.test_epoch WHEN t.test_loss IS NOT NULL THEN last_epoch.epoch END AS test_epoch
  FROM "trials" t
  JOIN "sweeps" s ON s.id = t.sweep_id
  CROSS JOIN LATERAL (
    SELECT coalesce(s.config -> 'metric' ->> 'name', 'val_loss') AS name,
           coalesce(s.config -> 'metric' ->> 'goal', 'minimize') AS goal
  ) m
  LEFT JOIN "epochs" best ON best.trial_id = t.id AND best.epoch = t.best_epoch
  LEFT JOIN LATERAL (
    SELECT e.epoch, e.val_loss FROM "epochs" e WHERE e.trial_id = t.id ORDER BY e.epoch DESC LIMIT 1
  ) last_epoch ON true
  LEFT JOIN LATERAL (
    SELECT CASE WHEN m.goal = 'maximize' THEN max(x.value) ELSE min(x.value) END AS value
    FROM (
      SELECT CASE m.name
               WHEN 'val_loss' THEN e.val_loss
               WHEN 'val_accuracy' THEN e.val_accuracy
               WHEN 'loss' THEN e.loss
               WHEN 'accuracy' THEN e.accuracy
             END AS value
      FROM "epochs" e
      WHERE e.trial_id = t.id
        AND m.name IN ('val_loss', 'val_accuracy', 'loss', 'accuracy')
        AND NOT (m.name = 'val_loss' AND m.goal = 'minimize')
    ) x
  ) per_epoch ON true
) r;
