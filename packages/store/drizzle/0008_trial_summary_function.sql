-- The trials' summary columns of migration 0007 as one database function, so that the
-- recorder (refreshTrialSummaries, store/src/trial-summaries.ts) and any later backfill
-- share one definition: the summaries of the trials `trial_ids`, recomputed from their
-- epoch rows by the computation of trial_ranking in migration 0003 (the best epoch value
-- of the sweep's metric toward its goal; test_* the final value; val_loss minimized
-- best_val_loss), the trials marked changed (change_xid). Self-contained: it needs only
-- migration 0007's columns.
CREATE OR REPLACE FUNCTION "refresh_trial_summaries"(trial_ids text[]) RETURNS void LANGUAGE sql AS $$
UPDATE "trials" t SET
  epochs_done = x.epochs_done, last_epoch = x.last_epoch, last_val_loss = x.last_val_loss,
  last_val_accuracy = x.last_val_accuracy, val_accuracy_at_best = x.val_accuracy_at_best,
  mean_epoch_ms = x.mean_epoch_ms, metric_value = x.metric_value,
  rank_key = CASE WHEN x.goal = 'maximize' THEN -x.metric_value ELSE x.metric_value END,
  change_xid = (pg_current_xact_id()::text)::bigint
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
  WHERE t.id = ANY(trial_ids)
) x
WHERE t.id = x.id;
$$;
