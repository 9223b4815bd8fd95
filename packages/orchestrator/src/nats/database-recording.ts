import { openNatsModels } from "@sweep/protocol";
import { recordHeartbeat, type SweepDatabase } from "@sweep/store";
import { startServeController } from "../controller/serve-controller.js";
import { keepTopAfterRecording } from "../export/keep-top.js";
import { type Recorder, type RecorderOptions, startRecorder } from "./recorder.js";

export interface DatabaseRecorderOptions extends Omit<RecorderOptions, "recordEvents" | "recordHeartbeats"> {
  database: SweepDatabase;
  log(line: string): void;
}

/**
 * The recorder of `sweep serve` and `sweep run --nats` with the search controller
 * beside it: each batch of events is recorded with the controller's decisions in one
 * transaction (`startServeController`), then each worker's heartbeat. Stopping stops both.
 */
export async function startDatabaseRecorder(options: DatabaseRecorderOptions): Promise<Recorder> {
  const { database } = options;
  const controller = await startServeController(options);
  const keepTop = keepTopAfterRecording(database, await openNatsModels(options.nc, options.names), options.log);
  const recorder = await startRecorder({
    ...options,
    onRecorded: (events) => {
      options.onRecorded?.(events);
      void keepTop.after(events);
    },
    recordEvents: controller.recordEvents,
    recordHeartbeats: async (heartbeats) => {
      for (const heartbeat of heartbeats) await recordHeartbeat(database, heartbeat);
    },
  }).catch(async (error) => {
    await controller.stop();
    throw error;
  });
  return {
    closed: recorder.closed.finally(() => controller.stop()),
    async stop() {
      await recorder.stop();
      await controller.stop();
    },
  };
}
