import type { KV } from "@nats-io/kv";
import type { WorkerHeartbeat } from "@sweep/core";

/** Writes this worker's `WorkerHeartbeat` to the heartbeat KV bucket every `intervalMs`. */
export function startHeartbeat(
  kv: KV,
  current: () => WorkerHeartbeat,
  intervalMs: number,
  log: (line: string) => void,
) {
  let lastError = "";
  const beat = async (heartbeat: WorkerHeartbeat) => {
    try {
      await kv.put(heartbeat.id, JSON.stringify(heartbeat));
      lastError = "";
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== lastError) log(`heartbeat not written: ${message}`);
      lastError = message;
    }
  };
  void beat(current());
  const timer = setInterval(() => void beat(current()), intervalMs);
  return {
    /** Stops the timer and writes one last heartbeat (e.g. status `stopped`). */
    async stop(last: WorkerHeartbeat): Promise<void> {
      clearInterval(timer);
      await beat(last);
    },
  };
}
