import { hostname } from "node:os";
import {
  PRINTABLE_LENGTH,
  printable,
  redactUrls,
  type SweepConfig,
  type TrialEvent,
  type TrialSpec,
} from "@sweep/core";
import { resolveNatsUrl } from "@sweep/protocol";
import type { DatabaseTarget, NewSweep, SweepDatabase } from "@sweep/store";
import { expectedBackend, TrainingPool, type TrainingPoolOptions } from "@sweep/worker";
import { localController } from "../controller/local-controller.js";
import { checkpointDirOf } from "../embedded/checkpoint-files.js";
import { modelDirOf } from "../embedded/model-files.js";
import { runLocally } from "../embedded/run-local.js";
import { runOverNats } from "../nats/run-over-nats.js";
import { type NatsOptions, natsNamed, natsPrefixOf } from "./nats-option.js";
import type { TrainingSettings } from "./training-options.js";

export { expectedBackend };

/** What `sweep run` trains, on what, and where its results go. */
export interface RunPlan extends TrainingSettings {
  database: SweepDatabase;
  config: SweepConfig;
  sweep: NewSweep;
  trials: TrialSpec[];
  target: DatabaseTarget;
}

/** Over NATS when a server is named (`--nats`, NATS_URL), else on a training pool in this process. */
export function startRun(options: NatsOptions, plan: RunPlan, onEvent: (event: TrialEvent, trial?: TrialSpec) => void) {
  const { database, sweep, trials, threads, intraOpThreads, backend, taskFile, stuckAfterMs } = plan;
  const log = (line: string) =>
    process.stderr.write(`sweep run: ${printable(redactUrls(line), PRINTABLE_LENGTH.line)}\n`);
  if (natsNamed(options)) {
    return runOverNats({
      database,
      nats: resolveNatsUrl(options.nats),
      prefix: natsPrefixOf(options),
      sweep,
      trials,
      threads,
      intraOpThreads,
      backend,
      taskFile,
      stuckAfterMs,
      onEvent,
      log,
    });
  }
  return runWithPool({ threads, intraOpThreads, backend, taskFile, stuckAfterMs, log }, (trainer) =>
    runLocally({
      database,
      trainer,
      sweep,
      trials,
      worker: `${hostname()}-${process.pid}`,
      backend: expectedBackend(backend),
      checkpointDir: checkpointDirOf(plan.target),
      modelDir: modelDirOf(plan.target),
      onEvent,
      log,
      controller: localController(database, plan.config, sweep.id),
    }),
  );
}

/** A local run on a training pool that is closed when the run finishes. */
function runWithPool<Run extends { finished: Promise<unknown>; cancel(): void }>(
  options: TrainingPoolOptions,
  start: (trainer: TrainingPool) => Run,
): { finished: Promise<void>; cancel(): void } {
  const pool = new TrainingPool(options);
  const run = start(pool);
  return { finished: run.finished.finally(() => pool.close()).then(() => undefined), cancel: () => run.cancel() };
}
