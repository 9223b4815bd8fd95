import { recordEvents, recordHeartbeat, type SweepDatabase } from "@sweep/store";
import type { RecorderOptions } from "./recorder.js";

/** A recorder's writes into `database`: each batch of events in one transaction, then each worker's heartbeat. */
export function databaseRecording(database: SweepDatabase): Pick<RecorderOptions, "recordEvents" | "recordHeartbeats"> {
  return {
    recordEvents: async (events) => void (await recordEvents(database, events)),
    recordHeartbeats: async (heartbeats) => {
      for (const heartbeat of heartbeats) await recordHeartbeat(database, heartbeat);
    },
  };
}
