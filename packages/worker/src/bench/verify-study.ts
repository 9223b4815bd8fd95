import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { TrainingPool } from "../pool.js";
import { parseBackendChoice } from "../protocol.js";
import { REFERENCE_MODELS, referenceTrial } from "../reference-models.js";

/**
 * npm run verify:study -- --epochs N [--models 1,2] [--backend wasm] [--threads 2]
 *
 * Trains the reference models on the full data (54,000 train / 6,000 validation /
 * 10,000 test) and prints each one's test loss and accuracy beside the study's.
 */
const HELP = `usage: npm run verify:study -- --epochs N [--models 1,2,...] [--backend auto|tensorflow|wasm|cpu] [--threads T]
  --epochs   epochs per model (the study trained 20)          default 1
  --models   reference models to train (1-6)                   default 1,2,3,4,5,6
  --backend  tfjs backend                                       default auto
  --threads  models trained at once, one per thread             default min(models, cores)`;

const { values } = parseArgs({
  options: {
    epochs: { type: "string", default: "1" },
    models: { type: "string", default: "1,2,3,4,5,6" },
    backend: { type: "string", default: "auto" },
    threads: { type: "string" },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const epochs = Number(values.epochs);
const models = values.models.split(",").map(Number);
const backend = parseBackendChoice(values.backend);
const problems = [
  !(Number.isInteger(epochs) && epochs > 0) && `--epochs: must be a positive integer, got ${values.epochs}`,
  models.some((n) => !REFERENCE_MODELS.some((m) => m.number === n)) &&
    `--models: must list 1 to 6, got ${values.models}`,
  backend === undefined && `--backend: must be auto, tensorflow, wasm or cpu, got ${values.backend}`,
].filter(Boolean);
if (problems.length > 0) {
  console.error(`verify:study: ${problems[0]}\n${HELP}`);
  process.exit(2);
}
const threads = Number(values.threads ?? Math.min(models.length, availableParallelism()));

const pool = new TrainingPool({ threads, backend: backend ?? "auto" });
const started = Date.now();
try {
  const results = await Promise.all(
    models.map(async (number) => {
      const trial = referenceTrial(number, { training: { epochs } });
      const outcome = await pool.train(trial, {
        onProgress: (progress) => {
          if (progress.type === "started")
            console.log(`model${number}: training on ${progress.backend}, ${progress.paramCount} parameters`);
          else {
            const m = progress.metrics;
            console.log(
              `model${number} epoch ${m.epoch}: loss ${m.loss.toFixed(4)} acc ${m.accuracy.toFixed(4)} val_loss ${m.val_loss.toFixed(4)} val_acc ${m.val_accuracy.toFixed(4)} (${(m.duration_ms / 1000).toFixed(0)} s, ${m.images_per_s.toFixed(0)} img/s)`,
            );
          }
        },
      });
      return { number, outcome };
    }),
  );
  console.log(`\n${epochs} epoch(s), ${((Date.now() - started) / 60000).toFixed(1)} min\n`);
  console.log("model | test loss | test accuracy | study (20 epochs) loss | study accuracy | backend");
  console.log("------|-----------|---------------|------------------------|----------------|--------");
  for (const { number, outcome } of results) {
    const reported = REFERENCE_MODELS.find((m) => m.number === number)?.reported;
    const measured =
      outcome.status === "completed"
        ? `${outcome.test_loss.toFixed(4)} | ${outcome.test_accuracy.toFixed(4)}`
        : `${outcome.status} | -`;
    console.log(
      `${number} | ${measured} | ${reported?.test_loss ?? "-"} | ${reported?.test_accuracy ?? "-"} | ${outcome.backend}`,
    );
  }
} finally {
  await pool.close();
}
