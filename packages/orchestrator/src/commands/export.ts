import { describeValue, KEPT_KINDS, type KeptKind, UsageError } from "@sweep/core";
import { Argument, type Command } from "commander";
import { exportTrial } from "../export/export-trial.js";
import { TRIAL_OR_SWEEP } from "../export/kept-trial.js";
import { withDatabaseOption } from "./database-option.js";
import { type NatsOptions, withNatsOptions } from "./nats-option.js";

/** `sweep export <trial | sweep> [--out DIR] [--epoch best|last] [--db URL] [--nats URL]`. */
export function register(program: Command): void {
  withNatsOptions(
    withDatabaseOption(
      program
        .command("export")
        .description(
          "Write a trial's kept weights as a TensorFlow.js Layers model (model.json, weight shards, sweep-model.json) that tf.loadLayersModel loads and tensorflowjs_converter turns into Keras.",
        )
        .addArgument(
          new Argument(
            TRIAL_OR_SWEEP,
            "a trial id, or a sweep id, id prefix or name (its best trial by the sweep's metric)",
          ).argParser((value: string) => {
            if (value.trim() === "") throw new UsageError(`${TRIAL_OR_SWEEP}: must name a trial or a sweep, got ""`);
            return value;
          }),
        )
        .option("--out <dir>", "a new or empty folder for the model (default: models/<trial id>-<epoch>)")
        .option("--epoch <which>", "best (by the sweep's metric) or last, as training.keep_weights kept them", "best"),
    ),
  ).action(async (ref: string, options: NatsOptions & { db?: string; out?: string; epoch: string }) => {
    const kind = parseKeptKind(options.epoch);
    process.stdout.write(await exportTrial({ ...options, ref, kind }));
  });
}

/** `--epoch`: best or last. */
export function parseKeptKind(text: string): KeptKind {
  if ((KEPT_KINDS as readonly string[]).includes(text)) return text as KeptKind;
  throw new UsageError(`--epoch: must be best or last, got ${describeValue(text)}`, "--epoch");
}
