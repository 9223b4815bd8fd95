import { connectNats, ensurePipeline, pipelineNames } from "@sweep/protocol";
import { expectedBackend } from "../backends/index.js";
import { TrainingPool } from "../pool.js";
import type { BackendChoice } from "../protocol.js";
import type { WatchdogOptions } from "../watchdog/stuck-thread.js";
import { type SweepWorker, startWorker } from "./worker.js";

export interface WorkerProcessOptions extends Pick<WatchdogOptions, "stuckAfterMs"> {
  /** NATS URL(s), comma-separated. */
  nats: string;
  prefix?: string;
  /** Copies of each stream and bucket if the worker creates them (see `PipelineSettings`). */
  replicas?: number;
  threads: number;
  /** Threads each trial may use on backend tensorflow (default 1). */
  intraOpThreads?: number;
  backend: BackendChoice;
  /** Piscina task module to train with; default the real trainer (benchmarks pass the synthetic fixture). */
  taskFile?: string;
  log?: (line: string) => void;
  /**
   * When a stuck trial's thread does not stop (blocked in native code, it keeps its
   * core): stop, handing the running trials back, so the process can exit and be
   * restarted (`sweep worker`). Without it the worker goes on with the thread Piscina
   * started in its place (`sweep run --nats`, which ends when its sweep does).
   */
  stopWhenStranded?: boolean;
}

export interface WorkerProcess {
  worker: SweepWorker;
  /** Stuck trials' threads that did not stop when terminated. */
  readonly strandedThreads: number;
  /** Hands running trials back, then closes the threads and the connection. */
  stop(): Promise<void>;
}

/**
 * What `sweep worker` runs: a training pool, a NATS connection and the consumer
 * feeding one to the other. The pipeline's streams are created if missing, so a worker
 * may start before anything else. The CLI owns signals and exit codes.
 */
export async function startWorkerProcess(options: WorkerProcessOptions): Promise<WorkerProcess> {
  let strandedThreads = 0;
  let worker: SweepWorker | undefined;
  const pool = new TrainingPool({
    threads: options.threads,
    intraOpThreads: options.intraOpThreads,
    backend: options.backend,
    taskFile: options.taskFile,
    stuckAfterMs: options.stuckAfterMs,
    log: options.log,
    onStrandedThread: () => {
      strandedThreads++;
      if (options.stopWhenStranded) void worker?.stop();
    },
  });
  try {
    const nc = await connectNats(options.nats, `sweep-worker-${process.pid}`, process.env, {
      stream: pipelineNames(options.prefix).trialsStream,
      log: options.log,
    });
    try {
      await ensurePipeline(nc, { prefix: options.prefix, replicas: options.replicas });
      worker = await startWorker({
        nc,
        trainer: pool,
        backend: expectedBackend(options.backend),
        prefix: options.prefix,
        log: options.log,
      });
    } catch (error) {
      await nc.close();
      throw error;
    }
    const started = worker;
    return {
      worker: started,
      get strandedThreads() {
        return strandedThreads;
      },
      async stop() {
        await started.stop();
        await pool.close();
        await nc.drain();
      },
    };
  } catch (error) {
    await pool.close();
    throw error;
  }
}
