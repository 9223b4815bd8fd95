import {
  compileLayers,
  type DatasetSpec,
  datasetSchema,
  type ModelSpec,
  modelSchema,
  type TrainingSpec,
  type TrialSpec,
  trainingSchema,
} from "@sweep/core";

/**
 * The six MNIST CNNs of the Keras study the project grew out of (docs/study.md), as
 * model overrides of Model1 (the model schema's defaults),
 * with the figures the study reported after 20 epochs.
 */
export const REFERENCE_MODELS: ReadonlyArray<{
  number: number;
  change: string;
  model: Partial<ModelSpec>;
  reported?: { test_loss: number; test_accuracy: number };
}> = [
  { number: 1, change: "Conv32 3x3 → Conv64 3x3 → MaxPool 2 → Dropout .25 → Dense128 → Dropout .5", model: {} },
  {
    number: 2,
    change: "one Conv64 5x5",
    model: { conv: [{ filters: 64, kernel: 5, strides: 1, padding: "valid", activation: "relu" }] },
    reported: { test_loss: 0.0268, test_accuracy: 0.9914 },
  },
  {
    number: 3,
    change: "convs 32, 64, 64",
    model: {
      conv: [32, 64, 64].map((filters) => ({ filters, kernel: 3, strides: 1, padding: "valid", activation: "relu" })),
    },
    reported: { test_loss: 0.0247, test_accuracy: 0.9926 },
  },
  { number: 4, change: "no pooling", model: { pool: null }, reported: { test_loss: 0.037, test_accuracy: 0.9896 } },
  {
    number: 5,
    change: "MaxPool 4",
    model: { pool: { type: "max", size: 4, padding: "valid" } },
    reported: { test_loss: 0.0224, test_accuracy: 0.9927 },
  },
  {
    number: 6,
    change: "no Dense128/Dropout .5",
    model: { dense: [] },
    reported: { test_loss: 0.0355, test_accuracy: 0.9897 },
  },
];

/** A resolved trial of reference model `number` (1–6), with training and dataset overrides. */
export function referenceTrial(
  number: number,
  overrides: { training?: Partial<TrainingSpec>; dataset?: Partial<DatasetSpec>; model?: Partial<ModelSpec> } = {},
): TrialSpec {
  const reference = REFERENCE_MODELS.find((candidate) => candidate.number === number);
  if (!reference) throw new Error(`reference model ${number}: must be 1 to ${REFERENCE_MODELS.length}`);
  return trialOf(`model${number}`, { ...reference.model, ...overrides.model }, overrides);
}

/** A resolved trial of any model, for tests and benchmarks that train without a sweep config. */
export function trialOf(
  name: string,
  model: Partial<ModelSpec>,
  overrides: { training?: Partial<TrainingSpec>; dataset?: Partial<DatasetSpec> } = {},
): TrialSpec {
  const resolved = modelSchema.parse(model);
  return {
    id: `local-${name}`,
    sweepId: "local",
    ordinal: 0,
    name,
    key: name,
    params: {},
    model: resolved,
    layers: compileLayers(resolved),
    training: trainingSchema.parse(overrides.training ?? {}),
    dataset: datasetSchema.parse(overrides.dataset ?? {}),
  };
}
