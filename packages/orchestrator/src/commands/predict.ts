import { Argument, type Command } from "commander";
import { TRIAL_OR_SWEEP } from "../export/kept-trial.js";
import { parseOutputFormat } from "../output/format-rows.js";
import { MODEL_ARGUMENT, predictImages } from "../predict/predict-images.js";
import { IMAGES_ARGUMENT } from "../predict/predict-inputs.js";
import { withDatabaseOption } from "./database-option.js";
import { parseKeptKind } from "./export.js";
import { type NatsOptions, withNatsOptions } from "./nats-option.js";

interface PredictOptions extends NatsOptions {
  db?: string;
  format: string;
  epoch: string;
  evaluate?: string;
}

/** `sweep predict <model dir | trial> <images...> [--format table|csv|json] [--evaluate LABELS] [--epoch best|last]`. */
export function register(program: Command): void {
  withNatsOptions(
    withDatabaseOption(
      program
        .command("predict")
        .description(
          "Predict the class of each image (IDX image files, PNGs) with an exported model or a trial's kept weights; --evaluate prints loss and accuracy instead.",
        )
        .addArgument(
          new Argument(
            MODEL_ARGUMENT,
            `a folder written by sweep export, or ${TRIAL_OR_SWEEP} as sweep export takes it (its kept weights)`,
          ),
        )
        .addArgument(new Argument(IMAGES_ARGUMENT, "IDX image files (every image in them) and PNG files, in order"))
        .option("--format <format>", "table, csv or json", "table")
        .option("--evaluate <labels>", "an IDX labels file for the images: print their loss and accuracy")
        .option("--epoch <which>", "with a trial or sweep: its best or last kept weights", "best"),
    ),
  ).action(async (model: string, images: string[], options: PredictOptions) => {
    const format = parseOutputFormat(options.format);
    const kind = parseKeptKind(options.epoch);
    process.stdout.write(await predictImages({ ...options, model, images, format, kind }));
  });
}
