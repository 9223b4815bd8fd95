import { MessageChannel } from "node:worker_threads";
import type { TrainProgress, TrialTrainer } from "@sweep/worker";
import syntheticTrain from "../../../worker/dist/fixtures/synthetic-task.js";

/**
 * Runs the synthetic trainer fixture on the calling thread: the consumer and recorder
 * under test see the thread protocol without a thread pool. The outcome is returned after the
 * port closes (every progress message delivered), as the pool does.
 */
export function inProcessSyntheticTrainer(threads: number): TrialTrainer {
  return {
    threads,
    async train(trial, { cancelFlag, onProgress, checkpoint }) {
      const { port1, port2 } = new MessageChannel();
      const drained = new Promise((resolve) => port1.once("close", resolve));
      port1.on("message", (progress: TrainProgress) => onProgress(progress));
      try {
        return await syntheticTrain({ trial, backend: "cpu", cancelFlag, checkpoint, port: port2 });
      } finally {
        await drained;
      }
    },
    async close() {},
  };
}
