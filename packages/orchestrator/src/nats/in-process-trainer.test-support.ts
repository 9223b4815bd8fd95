import { MessageChannel } from "node:worker_threads";
import type { TrainProgress, TrialTrainer } from "@sweep/worker";
import syntheticTrain from "../../../worker/dist/fixtures/synthetic-task.js";

/**
 * Runs the synthetic trainer fixture on the calling thread: the consumer and recorder
 * under test see the thread protocol without a thread pool. Progress is drained before
 * the outcome is returned, as a pool must do.
 */
export function inProcessSyntheticTrainer(threads: number): TrialTrainer {
  return {
    threads,
    async train(trial, { cancelFlag, onProgress, checkpoint }) {
      const { port1, port2 } = new MessageChannel();
      const drained = new Promise<void>((resolve) => {
        port1.on("message", (progress: TrainProgress | { type: "drained" }) => {
          if (progress.type === "drained") resolve();
          else onProgress(progress);
        });
      });
      try {
        return await syntheticTrain({ trial, backend: "cpu", cancelFlag, checkpoint, port: port2 });
      } finally {
        port2.postMessage({ type: "drained" });
        await drained;
        port1.close();
      }
    },
    async close() {},
  };
}
