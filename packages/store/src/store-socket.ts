import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { lastStatus, query, startupFrame } from "./store-socket-wire.js";

/*
 * The embedded store served to other processes of this user while one process holds
 * it: the Postgres wire protocol on a Unix socket in a fresh 0700 directory, so
 * `sweep dashboard`, `results`, `sql` … and psql can read a store that `sweep run` is
 * writing. PGlite has one session: a client's statements run in it, between the
 * holder's own statements and transactions, never inside them. The guard:
 * - each client batch (messages up to a Sync, Query or Flush) runs holding PGlite's
 *   transaction and query locks; a client transaction holds them until it ends, at
 *   most `CLIENT_TRANSACTION_MS`, then it is rolled back and the client dropped;
 * - before a client's batch the session is set `default_transaction_read_only`, and
 *   once the client is idle again `DISCARD ALL` resets whatever it set;
 * - the client's startup is answered here: its parameters never reach the session.
 * This stops accidents (an UPDATE typed in psql); the socket is reachable by this user
 * only, who could write the store's files anyway.
 */

/** How long a client's open transaction may hold the store (the holder waits meanwhile). */
export const CLIENT_TRANSACTION_MS = 30_000;
/** The socket file's name, as psql expects it in a host directory (port 5432). */
export const SOCKET_FILE = ".s.PGSQL.5432";

export interface StoreSocket {
  /** The directory holding the socket: psql's `host`. */
  dir: string;
  close(): Promise<void>;
}

export async function serveStoreSocket(db: PGlite): Promise<StoreSocket> {
  const dir = await mkdtemp(path.join(tmpdir(), "sweep-store-"));
  const version = (await db.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v ?? "17";
  const clients = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    clients.add(socket);
    socket.once("close", () => clients.delete(socket));
    serveClient(db, socket, version);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(path.join(dir, SOCKET_FILE), () => resolve());
  });
  server.unref();
  return {
    dir,
    close: async () => {
      for (const socket of clients) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** One client: frames its messages, answers its startup, runs its batches under the guard above. */
function serveClient(db: PGlite, socket: net.Socket, version: string): void {
  let pending = Buffer.alloc(0);
  let started = false;
  let batch: Buffer[] = [];
  let held: { release: () => void; timer: NodeJS.Timeout } | null = null;
  let chain = Promise.resolve();

  const raw = async (bytes: Uint8Array, onData?: (data: Uint8Array) => void) =>
    db.execProtocolRawStream(bytes, { onRawData: onData ?? (() => {}) });
  const hold = () =>
    new Promise<void>((acquired) => {
      void db._runExclusiveTransaction(() =>
        db._runExclusiveQuery(
          () =>
            new Promise<void>((release) => {
              held = { release, timer: setTimeout(() => void end(true), CLIENT_TRANSACTION_MS) };
              acquired();
            }),
        ),
      );
    });
  const end = async (rollback: boolean) => {
    const current = held;
    if (!current) return;
    held = null;
    clearTimeout(current.timer);
    if (rollback) await raw(query("ROLLBACK"));
    await raw(query("DISCARD ALL"));
    current.release();
    if (rollback) socket.destroy();
  };
  const run = async (messages: Buffer[]) => {
    if (!held) {
      await hold();
      await raw(query("SET default_transaction_read_only = on"));
    }
    const out: Buffer[] = [];
    for (const m of messages) await raw(m, (data) => out.push(Buffer.from(data)));
    const reply = Buffer.concat(out);
    if (!socket.destroyed) socket.write(reply);
    if (lastStatus(reply) === "I") await end(false);
  };

  socket.on("data", (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    for (;;) {
      if (!started) {
        const length = startupFrame(pending, socket, version);
        if (length === null) return;
        started = length.started;
        pending = pending.subarray(length.bytes);
        continue;
      }
      if (pending.length < 5) return;
      const length = 1 + pending.readInt32BE(1);
      if (pending.length < length) return;
      const frame = Buffer.from(pending.subarray(0, length));
      pending = pending.subarray(length);
      const type = String.fromCharCode(frame[0] as number);
      if (type === "X") {
        socket.end();
        return;
      }
      batch.push(frame);
      if (type === "S" || type === "Q" || type === "H") {
        const messages = batch;
        batch = [];
        chain = chain
          .then(() => run(messages))
          .catch(() => {
            socket.destroy();
          });
      }
    }
  });
  socket.on("close", () => {
    chain = chain.then(() => end(true)).catch(() => {});
  });
  socket.on("error", () => socket.destroy());
}
