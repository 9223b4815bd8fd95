import type { DecidedRung } from "@sweep/core";
import { pageOf, type SweepState } from "../src/memory-pages.js";
import type { DashboardSnapshot, EpochPoint, TrialView } from "../src/snapshot.js";
import { initialViewState, pageRequest, type ViewState } from "../src/view-state.js";

/** Snapshots the dashboard's tests render: a sweep of variants, and one under bayes + hyperband. */

export const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);

export function curve(valLosses: number[]): EpochPoint[] {
  return valLosses.map((valLoss, i) => ({ epoch: i + 1, loss: 0.3 / (i + 1), valLoss, durationMs: 1000 }));
}

export function trialView(
  id: string,
  rank: number | null,
  valLosses: number[],
  extra: Partial<TrialView> = {},
): TrialView {
  const best = valLosses.length ? Math.min(...valLosses) : null;
  return {
    id,
    rank,
    name: id,
    params: {},
    status: "completed",
    epochsDone: valLosses.length,
    epochsPlanned: 6,
    bestValLoss: best,
    bestEpoch: best === null ? null : valLosses.indexOf(best) + 1,
    overfitEpoch: null,
    lastValLoss: valLosses.at(-1) ?? null,
    valAccuracy: null,
    testAccuracy: null,
    curve: curve(valLosses),
    model: [
      { layer: "conv2d_1 (Conv2D)", outputShape: "(None, 26, 26, 32)", params: 320 },
      { layer: "dense_1 (Dense)", outputShape: "(None, 10)", params: 1290 },
    ],
    rungs: [],
    ...extra,
  };
}

/** The reference case's shape: model5 ranks first, model4 overfits from epoch 3. */
export function sampleSnapshot(): SweepState {
  return {
    sweep: { id: "mnist-ab12", name: "mnist-variants", status: "running", createdAt: NOW - 65_000, finishedAt: null },
    trials: [
      trialView("model5", 1, [0.06, 0.04, 0.03, 0.029, 0.028, 0.0224], {
        params: { "model.pool.size": 4 },
        valAccuracy: 0.9921,
        testAccuracy: 0.9927,
      }),
      trialView("model3", 2, [0.07, 0.05, 0.031, 0.03, 0.0247, 0.025], { valAccuracy: 0.993, testAccuracy: 0.9926 }),
      trialView("model4", 3, [0.05, 0.037, 0.04, 0.045, 0.05, 0.06], {
        params: { "model.pool": null },
        overfitEpoch: 3,
        status: "pruned",
        valAccuracy: 0.9896,
        testAccuracy: 0.9896,
      }),
      trialView("model1", null, [], { status: "queued" }),
    ],
    workers: [
      {
        id: "w1",
        host: "gpu-box",
        threads: 2,
        backend: "wasm",
        imagesPerS: 231,
        lastSeen: NOW - 1_000,
        status: "running",
      },
      {
        id: "w2",
        host: "old-box",
        threads: 1,
        backend: "cpu",
        imagesPerS: 2,
        lastSeen: NOW - 9_000,
        status: "running",
      },
    ],
    search: null,
    takenAt: NOW,
  };
}

const passed = (rung: number, epoch: number): DecidedRung => ({ rung, epoch, action: "continue" });

/**
 * The sample under `method: bayes` (run_cap 12) and hyperband (eta 3, rungs at epochs
 * 1 and 3 of 6): model5 completed past both rungs, model3 runs past rung 2, the
 * overfit rule pruned model4 after it passed rung 1, rung 1 pruned model2, model1 is queued.
 */
export function hyperbandSnapshot(): SweepState {
  const sample = sampleSnapshot();
  const rungs: Record<string, DecidedRung[]> = {
    model5: [passed(1, 1), passed(2, 3)],
    model3: [passed(1, 1), passed(2, 3)],
    model4: [passed(1, 1)],
  };
  const trials = sample.trials.map((t) =>
    t.id === "model3"
      ? { ...t, status: "running", epochsDone: 4, curve: t.curve.slice(0, 4), rungs: rungs[t.id] }
      : { ...t, rungs: rungs[t.id] ?? [] },
  );
  const model2 = trialView("model2", 4, [0.09], { status: "pruned", rungs: [{ rung: 1, epoch: 1, action: "prune" }] });
  return {
    ...sample,
    trials: [...trials.slice(0, 3), model2, ...trials.slice(3)],
    search: { proposer: { runCap: 12 }, rungs: { eta: 3, epochs: [1, 3] } },
  };
}

/** The snapshot a loader gives for `state` in `view` on a 50-row screen (`pageOf`, the in-memory loader). */
export function frameOf(state: SweepState, view: Partial<ViewState> = {}): DashboardSnapshot {
  return pageOf(state, pageRequest({ ...initialViewState, ...view }, 50));
}
