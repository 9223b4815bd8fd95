import { stat } from "node:fs/promises";
import path from "node:path";
import { describeValue, errorMessage, type KeptKind, UsageError } from "@sweep/core";
import { withDatabase } from "../commands/database-option.js";
import type { NatsOptions } from "../commands/nats-option.js";
import { readKeptWeights } from "../export/kept-source.js";
import { keptTrial } from "../export/kept-trial.js";
import { formatRows, type OutputFormat } from "../output/format-rows.js";
import { IMAGES_ARGUMENT, readPredictInputs } from "./predict-inputs.js";

/** The argument of `sweep predict` that names the model. */
export const MODEL_ARGUMENT = "<model dir | trial>";

export interface PredictRequest extends NatsOptions {
  model: string;
  images: string[];
  format: OutputFormat;
  kind: KeptKind;
  /** An IDX labels file: print the loss and accuracy over the images instead of each prediction. */
  evaluate?: string;
  db?: string;
}

type Worker = typeof import("@sweep/worker");

/**
 * `sweep predict`: loads an exported model folder, or a trial's kept weights (a trial
 * id, or a sweep: its best trial), predicts every image and returns the text to print.
 */
export async function predictImages(request: PredictRequest): Promise<string> {
  const worker = await import("@sweep/worker");
  await worker.initBackend("cpu");
  const model = await loadModel(request, worker);
  try {
    const shape = worker.modelInputShape(model) as [number, number, number];
    const { names, batch } = await readPredictInputs(request.images, shape, worker);
    const rows = worker.predictProbabilities(model, batch);
    if (request.evaluate !== undefined) {
      const labels = await readLabels(request.evaluate, names.length, worker);
      const { loss, accuracy } = worker.scorePredictions(rows, labels);
      const summary = [{ images: names.length, loss, accuracy }];
      return formatRows(summary, ["images", "loss", "accuracy"].map(column), request.format);
    }
    const predictions = rows.map((row, index) => ({ image: names[index], ...predicted(worker.topClass(row)) }));
    return formatRows(predictions, ["image", "class", "probability"].map(column), request.format);
  } finally {
    model.dispose();
  }
}

const column = (header: string) => ({ header, value: (row: Record<string, unknown>) => row[header] });
const predicted = ({ label, probability }: { label: number; probability: number }) => ({ class: label, probability });

async function loadModel(request: PredictRequest, worker: Worker) {
  const isFolder = await stat(path.join(request.model, "model.json")).then(
    (info) => info.isFile(),
    () => false,
  );
  if (isFolder) {
    return worker.loadModelDir(request.model).catch((error: unknown) => {
      throw new UsageError(
        `${MODEL_ARGUMENT}: ${describeValue(request.model)} holds no TensorFlow.js Layers model this reads (${errorMessage(error)})`,
        MODEL_ARGUMENT,
      );
    });
  }
  const { trial } = await withDatabase(request, (db) => keptTrial(db, request.model, request.kind, MODEL_ARGUMENT));
  const bytes = await readKeptWeights(request, trial.id, request.kind, MODEL_ARGUMENT);
  return worker.modelFromKeptWeights(trial.model.spec.input_shape, trial.model.layers, bytes);
}

async function readLabels(file: string, count: number, worker: Worker): Promise<Uint8Array> {
  const labels = await worker.readIdxFile(file, 1).catch((error: Error) => {
    throw new UsageError(`--evaluate: must be an IDX labels file, ${error.message}`, "--evaluate");
  });
  if (labels.bytes.length !== count) {
    throw new UsageError(
      `--evaluate: holds ${labels.bytes.length} labels for ${count} images in ${IMAGES_ARGUMENT}, got ${describeValue(file)}`,
      "--evaluate",
    );
  }
  return labels.bytes;
}
