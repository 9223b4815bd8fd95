import type { Layer, ModelSpec } from "./model-spec.js";
import type { DatasetSpec, EarlyTerminate, TrainingSpec } from "./training-spec.js";

/** A trial's life; it only moves forward: queued → running → one terminal state. */
export const TRIAL_STATUSES = ["queued", "running", "completed", "failed", "pruned", "cancelled"] as const;
export type TrialStatus = (typeof TRIAL_STATUSES)[number];
export const TERMINAL_TRIAL_STATUSES: readonly TrialStatus[] = ["completed", "failed", "pruned", "cancelled"];

/** Whether a trial in `status` has finished (completed, failed, pruned or cancelled): it never changes again. */
export function isTerminal(status: string): boolean {
  return (TERMINAL_TRIAL_STATUSES as readonly string[]).includes(status);
}

/**
 * One point of a sweep, fully resolved: everything a worker needs to train it
 * without reading the config again. Ids match /^[a-z0-9-]+$/ so they can stand in
 * NATS subjects.
 */
export interface TrialSpec {
  /** Unique across sweeps: `<sweepId>-t<ordinal, 3 digits>`. */
  id: string;
  sweepId: string;
  /** 0-based position in the sweep's expansion order. */
  ordinal: number;
  /** Human name: the variant's name and/or the swept values (`conv=2x[32,64] pool=4 dense=[]`); see `expandTrials`. */
  name: string;
  /** Hash of the canonical resolved model layers + training + dataset + seed: equal keys train the same thing. */
  key: string;
  /** Dotted path → value, only where this trial differs from the base spec. */
  params: Record<string, unknown>;
  model: ModelSpec;
  /** `model` compiled to its Sequential layer stack. */
  layers: Layer[];
  training: TrainingSpec;
  dataset: DatasetSpec;
  earlyTerminate?: EarlyTerminate;
  /** The epoch metric a trial's best epoch is chosen by (the sweep's metric; absent: val_loss, minimize). */
  monitor?: EpochMonitor;
}

/** An epoch metric and its goal: what makes one epoch better than another. */
export interface EpochMonitor {
  name: "val_loss" | "val_accuracy" | "loss" | "accuracy";
  goal: "minimize" | "maximize";
}

/** The metrics of one finished epoch (1-based), as Keras' History reports them. */
export interface EpochMetrics {
  epoch: number;
  loss: number;
  accuracy: number;
  val_loss: number;
  val_accuracy: number;
  duration_ms: number;
  images_per_s: number;
}
