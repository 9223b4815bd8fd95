import { randomBytes } from "node:crypto";
import {
  datasetSchema,
  type EarlyTerminate,
  type EpochMetrics,
  modelSchema,
  type TrialEvent,
  type TrialSpec,
  trainingSchema,
} from "@sweep/core";

/** Test data of the store: sweep ids, trial specs and the events a worker sends. */

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
