import type { TrialEvent, TrialSpec } from "@sweep/core";
import { eventFactory, type TrialCheckpoints } from "@sweep/protocol";
import {
  createSweep,
  markSweepCancelled,
  type NewSweep,
  openTrials,
  recordEvent,
  requeueTrials,
  type SweepDatabase,
} from "@sweep/store";
import type { TrialTrainer } from "@sweep/worker";
import type { LocalController } from "../controller/local-controller.js";
import { keepTopAfterRecording } from "../export/keep-top.js";
import { checkpointFiles } from "./checkpoint-files.js";
import { keptModelFiles } from "./model-files.js";
import { runEmbedded } from "./run-embedded.js";

export interface LocalRunRequest {
  database: SweepDatabase;
  trainer: TrialTrainer;
  sweep: NewSweep;
  trials: readonly TrialSpec[];
  worker: string;
  /** The heartbeats' backend until a trial reports the one it trains on. */
  backend?: string;
  /** Directory of the trials' checkpoint files (see `checkpointDirOf`); none: no checkpoints. */
  checkpointDir?: string;
  /** Directory of the trials' kept weights (see `modelDirOf`); none: nothing is kept. */
  modelDir?: string;
  onEvent?(event: TrialEvent, trial: TrialSpec): void;
  /** Lines to say (kept weights dropped by `keep_top`). */
  log?(line: string): void;
  /** The sweep's search controller (bayes proposals, hyperband rungs), if it has one. */
  controller?: LocalController;
}

export interface LocalRun {
  /** Resolves with the number of trials trained (0: the sweep had already finished). */
  readonly finished: Promise<number>;
  /** Ctrl-C: stop running trials (recorded cancelled) and cancel the queued ones. */
  cancel(): void;
}

/**
 * `sweep run` without NATS: records the sweep (or finds it: running the same config
 * again resumes it: cancelled trials are re-queued, trials left running by a killed
 * run go on with a higher attempt) and trains what is not finished, each trial from
 * its last checkpoint (the last epoch recorded) when it has one. With a search
 * controller, its proposals follow the list (a resumed bayes sweep first finishes
 * what it proposed before) and each recorded epoch may prune its trial at a rung.
 */
export function runLocally(request: LocalRunRequest): LocalRun {
  const { database, sweep } = request;
  let cancelled = false;
  let cancelRun: () => void = () => {};
  const finished = (async () => {
    const stored = await createSweep(database, sweep, request.trials);
    const checkpoints = request.checkpointDir === undefined ? undefined : checkpointFiles(request.checkpointDir);
    const models = request.modelDir === undefined ? undefined : keptModelFiles(request.modelDir);
    const keepTop = models && keepTopAfterRecording(database, models, request.log ?? (() => {}));
    // A new sweep has recorded nothing: files left by a deleted database's run would skip epochs.
    if (stored.created) for (const trial of request.trials) await checkpoints?.remove(trial.id);
    else await requeueTrials(database, sweep.id, ["cancelled"]);
    const open = await openTrials(database, sweep.id);
    const { controller } = request;
    const proposer = controller?.proposer;
    const known = [...request.trials, ...((await proposer?.proposedTrials()) ?? [])];
    const byId = new Map(known.map((trial) => [trial.id, trial]));
    const opened = open.flatMap(({ id, attempt }) => {
      const trial = byId.get(id);
      return trial ? [{ trial, attempt: attempt + 1 }] : [];
    });
    const todo = await pruneDecidedBefore(database, opened, controller, checkpoints);
    if (cancelled || (todo.length === 0 && !proposer)) return 0;
    let proposed = 0;
    const run = runEmbedded({
      database,
      trainer: request.trainer,
      trials: todo,
      worker: request.worker,
      backend: request.backend,
      checkpoints,
      models,
      onEvent: request.onEvent,
      record: async (event) => {
        const pruneReason = controller ? await controller.record(event) : void (await recordEvent(database, event));
        if (models) await keepTop?.after([event]);
        return pruneReason;
      },
      next:
        proposer &&
        (async () => {
          const trial = await proposer.next();
          if (trial) proposed++;
          return trial && { trial, attempt: 1 };
        }),
    });
    cancelRun = () => run.cancel();
    await run.finished;
    if (cancelled) await markSweepCancelled(database, sweep.id);
    return todo.length + proposed;
  })();
  return {
    finished,
    cancel() {
      cancelled = true;
      cancelRun();
    },
  };
}

/**
 * Records pruned, without training, the trials whose rung decided a prune that a killed
 * run did not carry out; the others are still to train.
 */
async function pruneDecidedBefore(
  database: SweepDatabase,
  opened: Array<{ trial: TrialSpec; attempt: number }>,
  controller: LocalController | undefined,
  checkpoints: TrialCheckpoints | undefined,
): Promise<Array<{ trial: TrialSpec; attempt: number }>> {
  const prunes = new Map((await controller?.pendingPrunes())?.map((prune) => [prune.trialId, prune]));
  const todo: Array<{ trial: TrialSpec; attempt: number }> = [];
  for (const entry of opened) {
    const prune = prunes.get(entry.trial.id);
    if (!prune) {
      todo.push(entry);
      continue;
    }
    await recordEvent(
      database,
      eventFactory(entry.trial, entry.attempt)({ type: "pruned", epoch: prune.epoch, reason: prune.reason }),
    );
    await checkpoints?.remove(entry.trial.id);
  }
  return todo;
}
