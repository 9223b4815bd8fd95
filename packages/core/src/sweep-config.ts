import { z } from "zod";
import { modelSchema } from "./model-spec.js";
import { datasetSchema, earlyTerminateSchema, trainingSchema } from "./training-spec.js";

/**
 * A sweep config as the user writes it (YAML), in the shape of a W&B sweep plus
 * named `variants`. docs/config.md is the reference; `parseSweepConfig` is the way
 * in (it adds the checks a schema cannot express: paths into the base spec, every
 * trial's resolved model, caps).
 */

export const SWEEP_METHODS = ["grid", "random", "list", "bayes"] as const;
export type SweepMethod = (typeof SWEEP_METHODS)[number];

export const METRIC_NAMES = ["val_loss", "val_accuracy", "loss", "accuracy", "test_loss", "test_accuracy"] as const;
export type MetricName = (typeof METRIC_NAMES)[number];
export type MetricGoal = "minimize" | "maximize";

export const DISTRIBUTIONS = ["uniform", "int_uniform", "log_uniform_values", "q_uniform"] as const;
export type Distribution = (typeof DISTRIBUTIONS)[number];

/** No sweep expands to more trials than this, whatever its run_cap. */
export const MAX_TRIALS = 10_000;

/** `keep_top` when a config gives none: every trial of a sweep under 100 trials keeps its weights. */
export const DEFAULT_KEEP_TOP = 100;

export const metricSchema = z
  .object({
    name: z.enum(METRIC_NAMES).default("val_loss"),
    goal: z.enum(["minimize", "maximize"]).default("minimize"),
  })
  .strict();
export type SweepMetric = z.infer<typeof metricSchema>;

/**
 * One swept value, in one of three forms:
 * - `values: [a, b, …]`: grid axis, or a uniform pick for random search;
 * - `value: a`: a constant (overrides the base spec in every trial);
 * - `min`/`max` (+ `distribution`, and `q` for q_uniform): random search only.
 */
export const parameterSchema = z
  .object({
    values: z.array(z.unknown()).min(1, { error: "must be a non-empty list" }).optional(),
    value: z.unknown().optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    distribution: z.enum(DISTRIBUTIONS).optional(),
    /** Step of `q_uniform`: a sample is rounded to a multiple of q. */
    q: z.number().positive().optional(),
  })
  .strict();
export type ParameterSpec = z.infer<typeof parameterSchema>;

/** Names and descriptions are printed on one line each: they have a sensible length. */
const nameSchema = z.string().min(1, { error: "must be a non-empty string" }).max(200);
const descriptionSchema = z.string().max(10_000).optional();

export const variantSchema = z
  .object({
    name: nameSchema,
    description: descriptionSchema,
    /** Dotted path into the base spec → the value it takes in this variant. */
    overrides: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();
export type Variant = z.infer<typeof variantSchema>;

export const sweepConfigSchema = z
  .object({
    name: nameSchema,
    description: descriptionSchema,
    /** Default: `list` when `variants` is given, else `grid`. */
    method: z.enum(SWEEP_METHODS).optional(),
    metric: metricSchema.prefault({}),
    /** Dotted path into the base spec (`model.pool.size`, `training.batch_size`) → its values. */
    parameters: z.record(z.string(), parameterSchema).default({}),
    /** Named sets of overrides; each is crossed with the parameter points (see docs/config.md). */
    variants: z.array(variantSchema).optional(),
    /** The base model every trial starts from. */
    model: modelSchema.prefault({}),
    training: trainingSchema.prefault({}),
    dataset: datasetSchema.prefault({}),
    early_terminate: earlyTerminateSchema.optional(),
    /** Most trials the sweep may have; random search draws this many, bayes proposes this many. */
    run_cap: z.number().int().positive().max(MAX_TRIALS).optional(),
    /** Seed of random and bayes search; default: training.seed. */
    seed: z.number().int().min(0).optional(),
    /**
     * Kept weights are bounded to the best this many finished trials by the metric; a
     * trial that falls below has its weights dropped (and said). Default: DEFAULT_KEEP_TOP.
     */
    keep_top: z.number().int().positive().max(MAX_TRIALS).optional(),
  })
  .strict();

/** A validated sweep config, defaults filled in (including `method`). */
export type SweepConfig = Omit<z.output<typeof sweepConfigSchema>, "method"> & { method: SweepMethod };

/** The JSON Schema of a sweep config file (for editors: `# yaml-language-server: $schema=…`). */
export function sweepJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(sweepConfigSchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
}
