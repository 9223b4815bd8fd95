import { DeliverPolicy, type JsMsg, jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { errorMessage, type WorkerHeartbeat } from "@sweep/core";
import type { PipelineNames } from "@sweep/protocol";

/** How long `stop()` waits for the watch to reach the bucket's last write, at most. */
const CATCH_UP_MS = 5_000;

export interface HeartbeatWatch {
  /** Stops watching once every heartbeat written before the call has been received. */
  stop(): Promise<void>;
}

/**
 * Watches the heartbeat bucket: one ordered push consumer over its stream, starting
 * with each worker's latest heartbeat and then every heartbeat as it is written; each
 * is put in `received` under its worker id (a newer one replaces the older). It never
 * has to decide that it has seen everything, as listing the bucket (`kv.keys()`) does:
 * a listing ends when a delivered message reports nothing pending, else after 30 s
 * without a message; while workers keep writing, a pending count that went wrong never
 * reaches 0 (nats-server 2.9 keeps counting a heartbeat overwritten during the listing)
 * and the listing runs on. `stop()` deletes the consumer rather than leaving it on the
 * server for the 5 minutes an abandoned ordered consumer lives.
 */
export async function watchHeartbeats(
  nc: NatsConnection,
  names: PipelineNames,
  received: Map<string, WorkerHeartbeat>,
  log: (line: string) => void,
): Promise<HeartbeatWatch> {
  const stream = `KV_${names.heartbeatBucket}`;
  const jsm = await jetstreamManager(nc);
  const consumer = await jetstream(nc).consumers.getPushConsumer(stream, {
    filter_subjects: `$KV.${names.heartbeatBucket}.>`,
    deliver_policy: DeliverPolicy.LastPerSubject,
  });
  let lastSeq = 0;
  let caughtUp = { seq: Number.POSITIVE_INFINITY, resolve: () => {} };
  const messages = await consumer.consume({
    callback(msg) {
      lastSeq = msg.seq;
      const heartbeat = readHeartbeat(msg);
      if (heartbeat) received.set(heartbeat.id, heartbeat);
      if (lastSeq >= caughtUp.seq) caughtUp.resolve();
    },
  });

  /** Waits (up to CATCH_UP_MS) until the last write to the bucket has been received. */
  async function catchUp(): Promise<void> {
    const { state } = await jsm.streams.info(stream);
    // An empty stream has nothing to wait for: its last message expired with the rest.
    if (state.messages === 0 || lastSeq >= state.last_seq) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      caughtUp = { seq: state.last_seq, resolve };
      timer = setTimeout(() => {
        log(`stopping the heartbeat watch at message ${lastSeq} of ${state.last_seq}: later heartbeats are not copied`);
        resolve();
      }, CATCH_UP_MS);
    });
    clearTimeout(timer);
  }

  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopped ??= (async () => {
        await catchUp().catch((error) =>
          log(`reading the heartbeat bucket's last write failed: ${errorMessage(error)}`),
        );
        await messages.close();
        await consumer.delete().catch(() => false);
      })();
      return stopped;
    },
  };
}

/**
 * A put heartbeat, timed by the NATS server that stored it (its `at` replaced): a worker
 * whose clock is off would otherwise look stale while it runs (clock behind) or fresh
 * long after it died, and its later heartbeats never replace one from its future (clock
 * ahead). A delete, a purge or a foreign entry is none.
 */
function readHeartbeat(msg: JsMsg): WorkerHeartbeat | undefined {
  const operation = msg.headers?.get("KV-Operation");
  if (operation === "DEL" || operation === "PURGE") return undefined;
  try {
    const heartbeat = msg.json<Partial<WorkerHeartbeat>>();
    return typeof heartbeat.id === "string" && typeof heartbeat.at === "string"
      ? { ...(heartbeat as WorkerHeartbeat), at: msg.time.toISOString() }
      : undefined;
  } catch {
    return undefined;
  }
}
