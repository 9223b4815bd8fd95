import type { KV } from "@nats-io/kv";

/**
 * The set of cancelled sweeps, kept current from the control KV bucket (key = sweep id;
 * a put cancels, a delete re-opens, as `sweep retry` does). `onCancel` fires for each
 * newly cancelled sweep so running trials can be stopped.
 */
export async function watchCancelledSweeps(kv: KV, onCancel: (sweepId: string) => void) {
  const cancelled = new Set<string>();
  for await (const key of await kv.keys()) cancelled.add(key);
  const watch = await kv.watch({ include: "updates" });
  const done = (async () => {
    for await (const entry of watch) {
      if (entry.operation === "PUT") {
        cancelled.add(entry.key);
        onCancel(entry.key);
      } else {
        cancelled.delete(entry.key);
      }
    }
  })();
  return {
    has: (sweepId: string) => cancelled.has(sweepId),
    async stop(): Promise<void> {
      watch.stop();
      await done;
    },
  };
}
