import { jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { errorMessage } from "@sweep/core";

/** How often a connection asks its server for JetStream, and how long it waits for the answer. */
export const JETSTREAM_PROBE_MS = 2_000;
/** Failed probes in a row, while connected, after which the connection moves to another server. */
export const JETSTREAM_PROBE_FAILURES = 3;

export interface ReachabilityOptions {
  /**
   * A stream to ask for as well (its info comes from its leader, wherever that is): the
   * account's JetStream info alone is answered by a cut-off node that still thinks it
   * leads the cluster's metadata, for the seconds it takes to notice.
   */
  stream?: string;
  intervalMs?: number;
  failures?: number;
  log?: (line: string) => void;
}

/**
 * Moves `nc` to another server of its cluster when the one it is connected to cannot
 * serve JetStream: a node cut off from the other two (a minority) keeps its clients'
 * connections open but answers no JetStream request, so a worker on it would fetch
 * nothing and a recorder record nothing until the partition heals. Every
 * `intervalMs` it asks for the account's JetStream info and `stream`'s; after `failures` failed asks
 * in a row, with the connection up all along, it calls `nc.reconnect()`, which tries
 * the next server (given or learnt from the cluster). A disconnect or a reconnect to
 * another server starts the count again; a reconnect to the same one needs one more
 * failed probe to move on. Stops when the connection closes.
 */
export function keepOnJetStream(nc: NatsConnection, options: ReachabilityOptions = {}): void {
  const intervalMs = options.intervalMs ?? JETSTREAM_PROBE_MS;
  const limit = options.failures ?? JETSTREAM_PROBE_FAILURES;
  const log = options.log ?? ((line) => process.stderr.write(`sweep: ${line}\n`));
  let failed = 0;
  let lastError = "";
  let probing = false;
  let movingFrom: string | undefined;
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === "disconnect") failed = 0;
      if (status.type !== "reconnect") continue;
      // nats.js may dial the same server first: one more failed probe there moves on again.
      failed = nc.getServer() === movingFrom ? limit - 1 : 0;
      movingFrom = undefined;
    }
  })().catch(() => {});
  const probe = async () => {
    if (probing || nc.isClosed()) return;
    probing = true;
    try {
      const jsm = await jetstreamManager(nc, { timeout: intervalMs, checkAPI: false });
      await jsm.getAccountInfo();
      // A stream not made yet is an answer all the same.
      if (options.stream) await jsm.streams.info(options.stream).catch(unlessNotFound);
      failed = 0;
    } catch (error) {
      failed++;
      lastError = errorMessage(error);
      if (failed >= limit) {
        failed = 0;
        movingFrom = nc.getServer();
        log(`JetStream not reachable through ${movingFrom} (${lastError}): reconnecting to another server`);
        await nc.reconnect().catch(() => {});
      }
    } finally {
      probing = false;
    }
  };
  const timer = setInterval(() => void probe(), intervalMs);
  timer.unref();
  void nc.closed().then(() => clearInterval(timer));
}

function unlessNotFound(error: unknown): void {
  if (!/stream not found/i.test(errorMessage(error))) throw error;
}
