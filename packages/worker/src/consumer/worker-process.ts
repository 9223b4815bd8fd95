import { connectNats, ensurePipeline } from "@sweep/protocol";
import { expectedBackend } from "../backends/index.js";
import { TrainingPool } from "../pool.js";
import type { BackendChoice } from "../protocol.js";
import { type SweepWorker, startWorker } from "./worker.js";

export interface WorkerProcessOptions {
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
}

export interface WorkerProcess {
  worker: SweepWorker;
  /** Hands running trials back, then closes the threads and the connection. */
  stop(): Promise<void>;
}

/**
 * What `sweep worker` runs: a training pool, a NATS connection and the consumer
 * feeding one to the other. The pipeline's streams are created if missing, so a worker
 * may start before anything else. The CLI owns signals and exit codes.
 */
export async function startWorkerProcess(options: WorkerProcessOptions): Promise<WorkerProcess> {
  const pool = new TrainingPool({
    threads: options.threads,
    intraOpThreads: options.intraOpThreads,
    backend: options.backend,
    taskFile: options.taskFile,
  });
  try {
    const nc = await connectNats(options.nats, `sweep-worker-${process.pid}`);
    let worker: SweepWorker;
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
    return {
      worker,
      async stop() {
        await worker.stop();
        await pool.close();
        await nc.drain();
      },
    };
  } catch (error) {
    await pool.close();
    throw error;
  }
}
