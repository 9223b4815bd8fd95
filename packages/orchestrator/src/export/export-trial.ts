import { readdir } from "node:fs/promises";
import { describeValue, type KeptKind, UsageError } from "@sweep/core";
import { getSweep } from "@sweep/store";
import { withDatabase } from "../commands/database-option.js";
import type { NatsOptions } from "../commands/nats-option.js";
import { readKeptWeights } from "./kept-source.js";
import { keptTrial, TRIAL_OR_SWEEP } from "./kept-trial.js";
import { MODEL_CARD_FILE, modelCard } from "./model-card.js";

export interface ExportRequest extends NatsOptions {
  ref: string;
  kind: KeptKind;
  /** Default: `models/<trial id>-<kind>`. */
  out?: string;
  db?: string;
}

/**
 * `sweep export`: the kept weights of the trial `ref` names as a TensorFlow.js Layers
 * model folder (model.json, weight shards, sweep-model.json). Every check (the trial,
 * its weights, `--out`) comes before anything is written; the folder appears whole or
 * not at all. Returns the lines to print.
 */
export async function exportTrial(request: ExportRequest): Promise<string> {
  const { trial, kept, sweep } = await withDatabase(request, async (db) => {
    const found = await keptTrial(db, request.ref, request.kind);
    return { ...found, sweep: await getSweep(db, found.trial.sweep_id) };
  });
  const out = request.out ?? `models/${trial.id}-${request.kind}`;
  await refuseNonEmpty(out);
  const bytes = await readKeptWeights(request, trial.id, request.kind, TRIAL_OR_SWEEP);
  const { initBackend, layersModelFiles, writeModelDir } = await import("@sweep/worker");
  await initBackend("cpu");
  const { header, files } = await layersModelFiles(trial.model.spec.input_shape, trial.model.layers, bytes);
  if (header.trialId !== trial.id || header.epoch !== kept.epoch) {
    throw new Error(
      `kept weights of ${trial.id}: the file holds ${header.trialId} epoch ${header.epoch}, the database says epoch ${kept.epoch}`,
    );
  }
  const card = new TextEncoder().encode(`${JSON.stringify(modelCard(sweep, trial, header), null, 2)}\n`);
  await writeModelDir(out, [...files, { name: MODEL_CARD_FILE, bytes: card }]);
  const { val_loss, val_accuracy } = header.metrics;
  const size = files.reduce((sum, file) => sum + file.bytes.byteLength, 0);
  return [
    `exported trial ${trial.id} (${trial.name}), ${request.kind} epoch ${header.epoch}: val_loss ${val_loss.toFixed(4)}, val_accuracy ${val_accuracy.toFixed(4)}`,
    `wrote ${out}/: ${files.map((file) => file.name).join(", ")}, ${MODEL_CARD_FILE} (${formatBytes(size)})`,
    "",
  ].join("\n");
}

/** `--out` may be missing or an empty folder; anything else is refused. */
async function refuseNonEmpty(out: string): Promise<void> {
  const entries = await readdir(out).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    if (error.code === "ENOTDIR") return ["(a file)"];
    throw new UsageError(`--out: cannot read the folder (${error.code}), got ${describeValue(out)}`, "--out");
  });
  if (entries.length > 0) {
    throw new UsageError(
      `--out: exists and is not empty (export writes a new folder), got ${describeValue(out)}`,
      "--out",
    );
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
