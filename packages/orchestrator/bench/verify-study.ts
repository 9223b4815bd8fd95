import { hostname } from "node:os";
import { parseArgs } from "node:util";
import type { SweepConfig } from "@sweep/core";
import { describeTarget, openDatabase, resolveDatabaseTarget, sweepWallSeconds, trialRanking } from "@sweep/store";
import { parseBackendChoice, REFERENCE_MODELS, TrainingPool } from "@sweep/worker";
import { loadConfigFile } from "../dist/config-file.js";
import { checkpointDirOf } from "../dist/embedded/checkpoint-files.js";
import { progressLine } from "../dist/embedded/progress-lines.js";
import { runLocally } from "../dist/embedded/run-local.js";
import { planSweep } from "../dist/nats/launch.js";

/**
 * npm run verify:study [-- --epochs N --models 1,2 --backend tensorflow --threads 2 --db DIR]
 *
 * Runs the reference study (examples/mnist-keras-study.yaml: full data, 54,000 train /
 * 6,000 validation / 10,000 test) as `sweep run` does, into an embedded store
 * (default .sweep-study/; run again, it resumes), then prints each model's test loss
 * and accuracy beside the study's, with the best and overfit epochs.
 */
/** Run from the repository root, as npm runs it. */
const STUDY_CONFIG = "examples/mnist-keras-study.yaml";
const HELP = `usage: npm run verify:study -- [--epochs N] [--models 1,2,...] [--backend auto|tensorflow|wasm|cpu] [--threads T] [--db DIR]
  --epochs   epochs per model                                default 20, as the study
  --models   reference models to train (1-6)                 default 1,2,3,4,5,6
  --backend  tfjs backend                                    default auto
  --threads  models trained at once, one per thread          default 2
  --db       where to record the run (resumed when run again) default .sweep-study`;

const { values } = parseArgs({
  options: {
    epochs: { type: "string" },
    models: { type: "string", default: "1,2,3,4,5,6" },
    backend: { type: "string", default: "auto" },
    threads: { type: "string", default: "2" },
    db: { type: "string", default: ".sweep-study" },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const epochs = values.epochs === undefined ? undefined : Number(values.epochs);
const models = values.models.split(",").map(Number);
const backend = parseBackendChoice(values.backend);
const threads = Number(values.threads);
const problem = [
  epochs !== undefined &&
    !(Number.isInteger(epochs) && epochs > 0) &&
    `--epochs: must be a positive integer, got ${values.epochs}`,
  models.some((n) => !REFERENCE_MODELS.some((m) => m.number === n)) &&
    `--models: must list 1 to 6, got ${values.models}`,
  backend === undefined && `--backend: must be auto, tensorflow, wasm or cpu, got ${values.backend}`,
  !(Number.isInteger(threads) && threads > 0) && `--threads: must be a positive integer, got ${values.threads}`,
].find(Boolean);
if (problem) {
  console.error(`verify:study: ${problem}\n${HELP}`);
  process.exit(2);
}

const { config } = await loadConfigFile(STUDY_CONFIG);
const { sweep, trials } = planSweep(studyConfig(config));
const target = resolveDatabaseTarget({ db: values.db });
const database = await openDatabase(target);
const pool = new TrainingPool({ threads, backend: backend ?? "auto" });
const started = Date.now();
try {
  console.log(
    `verify:study: sweep ${sweep.id}, ${trials.length} models, ${threads} threads, in ${describeTarget(target)}`,
  );
  const byId = new Map(trials.map((trial) => [trial.id, trial]));
  await runLocally({
    database,
    trainer: pool,
    sweep,
    trials,
    worker: `${hostname()}-${process.pid}`,
    checkpointDir: checkpointDirOf(target),
    onEvent: (event) => {
      const trial = byId.get(event.trialId);
      const line = trial && progressLine(event, trial.name, trial.training.epochs);
      if (line) console.log(line);
    },
  }).finished;
  const rows = await trialRanking(database, sweep.id);
  const wall_s = await sweepWallSeconds(database, sweep.id);
  console.log(
    `\nthis run ${((Date.now() - started) / 60000).toFixed(1)} min; the sweep from first start to last finish ${wall_s === null ? "-" : `${(wall_s / 60).toFixed(1)} min`}\n`,
  );
  console.log(
    "| model | test loss | test accuracy | study loss | study accuracy | Δ accuracy (pp) | best epoch (val_loss) | overfit from | backend |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const row of [...rows].sort((a, b) => a.ordinal - b.ordinal)) {
    const reported = REFERENCE_MODELS.find((m) => `Model${m.number}` === row.trial_name)?.reported;
    const delta =
      reported && row.test_accuracy !== null ? ((row.test_accuracy - reported.test_accuracy) * 100).toFixed(2) : "-";
    console.log(
      `| ${row.trial_name} | ${fixed(row.test_loss)} | ${fixed(row.test_accuracy)} | ${reported?.test_loss ?? "-"} | ${reported?.test_accuracy ?? "-"} | ${delta} | ${row.best_epoch ?? "-"} (${fixed(row.best_val_loss)}) | ${row.overfit_epoch ?? "none"} | ${row.backend ?? "-"} |`,
    );
  }
  console.log(`\nplots: npx sweep plot ${sweep.id} --db ${values.db} --out DIR`);
} finally {
  await pool.close();
  await database.close();
}

/** The study's config, with `--epochs` and `--models` applied (unchanged without them: the same sweep as `sweep run` of the file). */
function studyConfig(study: SweepConfig): SweepConfig {
  const wanted = new Set(models.map((n) => `Model${n}`));
  const variants = study.variants?.filter((variant) => wanted.has(variant.name));
  const training = epochs === undefined ? study.training : { ...study.training, epochs };
  return variants?.length === study.variants?.length && epochs === undefined ? study : { ...study, training, variants };
}

function fixed(value: number | null): string {
  return value === null ? "-" : value.toFixed(4);
}
