import { recordHeartbeat, type SweepDatabase } from "@sweep/store";
import { startServeControl } from "../controller/serve-control.js";
import { type Recorder, type RecorderOptions, startRecorder } from "./recorder.js";

export interface DatabaseRecorderOptions extends Omit<RecorderOptions, "recordEvents" | "recordHeartbeats"> {
  database: SweepDatabase;
  log(line: string): void;
}

/**
 * The recorder of `sweep serve` and `sweep run --nats` with the search controller
 * beside it: each batch of events is recorded with the controller's decisions in one
 * transaction (`startServeControl`), then each worker's heartbeat. Stopping stops both.
 */
export async function startDatabaseRecorder(options: DatabaseRecorderOptions): Promise<Recorder> {
  const { database } = options;
  const control = await startServeControl(options);
  const recorder = await startRecorder({
    ...options,
    recordEvents: control.recordEvents,
    recordHeartbeats: async (heartbeats) => {
      for (const heartbeat of heartbeats) await recordHeartbeat(database, heartbeat);
    },
  }).catch(async (error) => {
    await control.stop();
    throw error;
  });
  return {
    closed: recorder.closed.finally(() => control.stop()),
    async stop() {
      await recorder.stop();
      await control.stop();
    },
  };
}
