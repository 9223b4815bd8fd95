import type { TrialEvent, TrialSpec } from "@sweep/core";
import { connectNats, ensurePipeline, pipelineNames } from "@sweep/protocol";
import { markSweepCancelled, type NewSweep, openTrials, type SweepDatabase, sweepById } from "@sweep/store";
import { type BackendChoice, startWorkerProcess } from "@sweep/worker";
import { publishSweepCancel } from "./cancel.js";
import { startDatabaseRecorder } from "./database-recording.js";
import { launchSweep } from "./launch.js";

export interface NatsRunRequest {
  database: SweepDatabase;
  nats: string;
  prefix?: string;
  sweep: NewSweep;
  trials: readonly TrialSpec[];
  threads: number;
  intraOpThreads?: number;
  backend: BackendChoice;
  taskFile?: string;
  /** The watchdog's floor (`--stuck-after`). */
  stuckAfterMs?: number;
  onEvent?(event: TrialEvent): void;
  log(line: string): void;
}

export interface NatsRun {
  readonly finished: Promise<void>;
  /** Cancels the sweep for every worker; `finished` settles once its trials have stopped. */
  cancel(): void;
}

/** Cancelled trials still running after this long are left to their workers. */
const CANCEL_GRACE_MS = 15_000;

/**
 * `sweep run --nats`: the distributed pipeline in one process: launch over NATS, a
 * worker and a recorder with the search controller in-process (other machines'
 * `sweep worker`s may help), until every trial of the sweep is finished.
 */
export function runOverNats(request: NatsRunRequest): NatsRun {
  const { database, sweep } = request;
  let cancelRequested: Promise<void> | undefined;
  let cancel: () => void = () => {};
  const finished = (async () => {
    const nc = await connectNats(request.nats, "sweep-run", process.env, {
      stream: pipelineNames(request.prefix).trialsStream,
    });
    const names = await ensurePipeline(nc, { prefix: request.prefix });
    const recorder = await startDatabaseRecorder({
      nc,
      names,
      database,
      onRecorded: (events) => {
        for (const event of events) if (event.sweepId === sweep.id) request.onEvent?.(event);
      },
      log: request.log,
    });
    const worker = await startWorkerProcess({ ...request, log: request.log });
    try {
      const launched = await launchSweep(database, nc, names, sweep, request.trials);
      if (!launched.created) request.log(`sweep ${sweep.id} was launched before; waiting for it to finish`);
      cancel = () => {
        cancelRequested ??= markSweepCancelled(database, sweep.id).then(() => publishSweepCancel(nc, names, sweep.id));
      };
      await waitUntilFinished(database, sweep.id, () => cancelRequested);
    } finally {
      await worker.stop();
      await recorder.stop();
      await nc.drain();
    }
  })();
  return { finished, cancel: () => cancel() };
}

async function waitUntilFinished(
  database: SweepDatabase,
  sweepId: string,
  cancelRequested: () => Promise<void> | undefined,
): Promise<void> {
  let cancelDeadline: number | undefined;
  for (;;) {
    // A bayes sweep is queued with no trials until its controller proposes the first.
    const done = (await sweepById(database, sweepId))?.status !== "queued";
    if (done && (await openTrials(database, sweepId)).length === 0) return;
    const cancelling = cancelRequested();
    if (cancelling) {
      await cancelling;
      cancelDeadline ??= Date.now() + CANCEL_GRACE_MS;
      if (Date.now() > cancelDeadline) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
