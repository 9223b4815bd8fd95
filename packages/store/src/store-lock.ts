import { readFileSync, rmSync, unlinkSync } from "node:fs";
import { link, readFile, rename, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { PRINTABLE_LENGTH, printable } from "@sweep/core";
import { DatabaseUnavailableError } from "./errors.js";
import { type LockOwner, lockHolderState, lockOwner } from "./lock-holder.js";

/**
 * One process at a time per embedded store: PGlite has no cross-process locking, and
 * two processes writing one data directory lose rows. The lock is a file holding the
 * owner's pid, command and start time, and the directory of the socket it serves the
 * store on (`store-socket.ts`); a lock whose process is gone is taken over, its socket
 * removed. A lock whose pid now names another process (`lockHolderState`) is refused
 * at once, saying what holds the pid and how to clear the lock: sweep cannot tell
 * whether the store is in use (the holder may live in another pid namespace).
 */
export interface StoreLock {
  /** Records where the holder serves the store, for `liveStoreSocket`. */
  recordSocket(dir: string): Promise<void>;
  release(): Promise<void>;
}

/** A live process holding a store: the lock's owner and where it serves the store (null while it opens it). */
export interface StoreHolder {
  pid: number;
  command: string;
  socket: string | null;
}

export function storeLockPath(embeddedDir: string): string {
  return path.join(embeddedDir, "pgdata.lock");
}

export async function acquireStoreLock(embeddedDir: string): Promise<StoreLock> {
  const file = storeLockPath(embeddedDir);
  const owner = lockOwner(process.pid, process.argv.slice(1).join(" "));
  for (let tries = 0; tries < 2; tries++) {
    try {
      await createWhole(file, JSON.stringify(owner));
      let socketDir: string | undefined;
      const releaseOnExit = () => {
        unlinkIfOwned(file);
        if (socketDir) rmSync(socketDir, { recursive: true, force: true });
      };
      process.once("exit", releaseOnExit);
      return {
        recordSocket: async (socket) => {
          socketDir = socket;
          await replaceWhole(file, JSON.stringify({ ...owner, socket }));
        },
        release: async () => {
          process.removeListener("exit", releaseOnExit);
          await unlink(file).catch(() => {});
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const current = await readOwner(file);
      const holder = current && liveHolder(embeddedDir, current);
      if (holder) throw storeInUse(embeddedDir, holder);
      if (current?.socket?.startsWith(path.join(tmpdir(), "sweep-store-"))) {
        await rm(current.socket, { recursive: true, force: true });
      }
      await unlink(file).catch(() => {});
    }
  }
  throw new DatabaseUnavailableError(`cannot lock the embedded store ${embeddedDir}: ${file} keeps reappearing`);
}

/**
 * Another live process holding `embeddedDir`, or null. Throws a DatabaseUnavailableError
 * when the lock names a live process that is not its holder (a stale lock, pid reused).
 */
export async function liveStoreHolder(embeddedDir: string): Promise<StoreHolder | null> {
  const owner = await readOwner(storeLockPath(embeddedDir));
  if (!owner || owner.pid === process.pid) return null;
  return liveHolder(embeddedDir, owner);
}

/** The refusal of a store another process holds: its pid and command. */
export function storeInUse(embeddedDir: string, holder: StoreHolder): DatabaseUnavailableError {
  return new DatabaseUnavailableError(
    `the embedded store ${embeddedDir} is in use by process ${holder.pid} (${holder.command}); ` +
      "PGlite serves one process at a time: wait for it to finish, or share a Postgres server with --db postgres://…",
  );
}

function liveHolder(embeddedDir: string, owner: LockOwner): StoreHolder | null {
  const state = lockHolderState(owner);
  if (state.kind === "gone") return null;
  if (state.kind === "other") {
    const file = storeLockPath(embeddedDir);
    const now = printable(state.commandLine || "a process sweep cannot read", PRINTABLE_LENGTH.value);
    throw new DatabaseUnavailableError(
      `the embedded store ${embeddedDir} has a stale lock: ${file} names process ${owner.pid} (${owner.command}), ` +
        `but that pid is now another process (${now}); if no sweep is using the store, delete ${file}`,
    );
  }
  return { pid: owner.pid, command: owner.command, socket: owner.socket ?? null };
}

/** How long a reader waits for a process that is opening the store to start serving it. */
const OPENING_WAIT_MS = 30_000;

/**
 * `liveStoreHolder`, but a holder still opening the store (no socket yet: a `sweep run`
 * in its first seconds) is waited for, up to `waitMs`, so a dashboard started with the
 * run attaches to it. Resolves with a holder without a socket only when the wait ran out.
 */
export async function servingStoreHolder(embeddedDir: string, waitMs = OPENING_WAIT_MS): Promise<StoreHolder | null> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const holder = await liveStoreHolder(embeddedDir);
    if (!holder || holder.socket || Date.now() >= deadline) return holder;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Removes the lock of `embeddedDir` if this process holds it (after a thread holding it was terminated). */
export function releaseStoreLockOf(embeddedDir: string): void {
  unlinkIfOwned(storeLockPath(embeddedDir));
}

/*
 * The lock file is never seen half-written: a reader that found it empty would take the
 * store for free (and a second run would delete the lock and take it too). Its content
 * is written to a file of this process first, then linked into place (fails with EEXIST
 * if a lock is there: creating stays exclusive) or renamed over it (an update).
 */
async function createWhole(file: string, content: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, content);
  try {
    await link(temp, file);
  } finally {
    await unlink(temp).catch(() => {});
  }
}

async function replaceWhole(file: string, content: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, content);
  await rename(temp, file);
}

async function readOwner(file: string): Promise<LockOwner | null> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as LockOwner;
  } catch {
    return null;
  }
}

function unlinkIfOwned(file: string): void {
  try {
    if ((JSON.parse(readFileSync(file, "utf8")) as LockOwner).pid === process.pid) unlinkSync(file);
  } catch {
    // Already gone.
  }
}
