import type { TrialEvent, TrialSpec } from "@sweep/core";
import { createSweep, recordEvents, recordRungDecision, type SweepDatabase } from "@sweep/store";
import { events, trialSpecs } from "@sweep/store/testing";

/** A bayes sweep with hyperband (eta 3: rungs at epochs 1 and 3 of 6), as `sweep run` stores its config. */
export const HYPERBAND_CONFIG = {
  name: "bayes-hyperband",
  method: "bayes",
  run_cap: 12,
  parameters: { "training.learning_rate": { min: 0.001, max: 1, distribution: "log_uniform_values" } },
  training: { epochs: 6 },
  early_terminate: { type: "hyperband", min_iter: 1, eta: 3 },
};

type Decision = [epoch: number, rung: number, action: "continue" | "prune"];

interface TrialPlan {
  status: "queued" | "running" | "completed" | "pruned";
  epochs: number;
  decisions: Decision[];
  /** A pruned trial's reason. */
  reason?: string;
}

/** The trials of `seedHyperbandSweep` in ordinal order: how each ends, and its rung decisions. */
export const HYPERBAND_TRIALS: TrialPlan[] = [
  // completed past both rungs
  {
    status: "completed",
    epochs: 6,
    decisions: [
      [1, 1, "continue"],
      [3, 2, "continue"],
    ],
  },
  { status: "pruned", epochs: 1, decisions: [[1, 1, "prune"]], reason: "rung 1 (epoch 1): not in the top 1/3" },
  // running past rung 2
  {
    status: "running",
    epochs: 4,
    decisions: [
      [1, 1, "continue"],
      [3, 2, "continue"],
    ],
  },
  {
    status: "pruned",
    epochs: 3,
    decisions: [
      [1, 1, "continue"],
      [3, 2, "prune"],
    ],
    reason: "rung 2 (epoch 3): not in the top 1/3",
  },
  // the overfit rule pruned it after rung 1: no decision at any rung prunes it
  { status: "pruned", epochs: 2, decisions: [[1, 1, "continue"]], reason: "overfitting since epoch 1" },
  // its rung-1 epoch is recorded, its decision is not (yet): it has not reached the rung
  { status: "running", epochs: 1, decisions: [] },
  { status: "queued", epochs: 0, decisions: [] },
];

/**
 * Stores a sweep of `HYPERBAND_TRIALS` through the store as the search controller
 * leaves it: the trials' events by `recordEvents`, the decisions by `recordRungDecision`.
 */
export async function seedHyperbandSweep(db: SweepDatabase, sweepId: string): Promise<TrialSpec[]> {
  const trials = trialSpecs(sweepId, HYPERBAND_TRIALS.length);
  const sweep = { id: sweepId, name: HYPERBAND_CONFIG.name, config: HYPERBAND_CONFIG, configHash: sweepId };
  await createSweep(db, sweep, trials);
  for (const [index, plan] of HYPERBAND_TRIALS.entries()) {
    const trial = trials[index] as TrialSpec;
    if (plan.status === "queued") continue;
    const recorded: TrialEvent[] = [events.started(trial)];
    for (let epoch = 1; epoch <= plan.epochs; epoch++) recorded.push(events.epoch(trial, epoch, 0.5 / epoch));
    await recordEvents(db, recorded);
    for (const [epoch, rung, action] of plan.decisions) {
      const reason = action === "prune" ? (plan.reason ?? null) : null;
      await recordRungDecision(db, { trialId: trial.id, epoch, rung, action, reason });
    }
    if (plan.status === "completed") await recordEvents(db, [events.completed(trial)]);
    if (plan.status === "pruned") await recordEvents(db, [events.pruned(trial, plan.epochs, plan.reason ?? "")]);
  }
  return trials;
}
