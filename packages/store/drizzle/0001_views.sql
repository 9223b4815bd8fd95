-- Views for people typing SQL (documented in docs/sql.md). Hand-written: drizzle-kit
-- generates tables only. Replace them in a later migration, never edit this one.

-- One row per trial: its place in its sweep by best val_loss (1 = lowest; NULL while
-- it has no epoch), the overfit analysis and the final metrics.
CREATE VIEW "trial_ranking" AS
SELECT
  t.sweep_id,
  s.name AS sweep_name,
  CASE WHEN t.best_val_loss IS NULL THEN NULL
       ELSE (rank() OVER (PARTITION BY t.sweep_id ORDER BY t.best_val_loss ASC NULLS LAST))::int
  END AS rank,
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
  t.epochs_planned
FROM "trials" t
JOIN "sweeps" s ON s.id = t.sweep_id
LEFT JOIN "epochs" best ON best.trial_id = t.id AND best.epoch = t.best_epoch
LEFT JOIN LATERAL (
  SELECT e.epoch, e.val_loss FROM "epochs" e WHERE e.trial_id = t.id ORDER BY e.epoch DESC LIMIT 1
) last_epoch ON true;
--> statement-breakpoint

-- One row per recorded epoch, with the trial's name and flags for the best epoch and
-- the first overfitting epoch: ready for plotting loss against val_loss.
CREATE VIEW "epoch_curves" AS
SELECT
  t.sweep_id,
  t.id AS trial_id,
  t.name AS trial_name,
  e.epoch,
  e.loss,
  e.val_loss,
  e.accuracy,
  e.val_accuracy,
  e.duration_ms,
  e.images_per_s,
  (e.epoch = t.best_epoch) IS TRUE AS is_best,
  (e.epoch = t.overfit_epoch) IS TRUE AS is_overfit_start
FROM "epochs" e
JOIN "trials" t ON t.id = e.trial_id;
