import { readFileSync, rmSync, unlinkSync } from "node:fs";
import { open, readFile, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { DatabaseUnavailableError } from "./errors.js";

/**
 * One process at a time per embedded store: PGlite has no cross-process locking, and
 * two processes writing one data directory lose rows. The lock is a file holding the
 * owner's pid and command, and the directory of the socket it serves the store on
 * (`store-socket.ts`); a lock whose process is gone is taken over, its socket removed.
 */
export interface StoreLock {
  /** Records where the holder serves the store, for `liveStoreSocket`. */
  recordSocket(dir: string): Promise<void>;
  release(): Promise<void>;
}

interface LockOwner {
  pid: number;
  command: string;
  socket?: string;
}

export function storeLockPath(embeddedDir: string): string {
  return path.join(embeddedDir, "pgdata.lock");
}

export async function acquireStoreLock(embeddedDir: string): Promise<StoreLock> {
  const file = storeLockPath(embeddedDir);
  const owner: LockOwner = { pid: process.pid, command: process.argv.slice(1).join(" ") };
  for (let tries = 0; tries < 2; tries++) {
    try {
      const handle = await open(file, "wx");
      await handle.writeFile(JSON.stringify(owner));
      await handle.close();
      let socketDir: string | undefined;
      const releaseOnExit = () => {
        unlinkIfOwned(file);
        if (socketDir) rmSync(socketDir, { recursive: true, force: true });
      };
      process.once("exit", releaseOnExit);
      return {
        recordSocket: async (socket) => {
          socketDir = socket;
          await writeFile(file, JSON.stringify({ ...owner, socket }));
        },
        release: async () => {
          process.removeListener("exit", releaseOnExit);
          await unlink(file).catch(() => {});
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const current = await readOwner(file);
      if (current && isAlive(current.pid)) {
        throw new DatabaseUnavailableError(
          `the embedded store ${embeddedDir} is in use by process ${current.pid} (${current.command}); ` +
            "PGlite serves one process at a time: wait for it to finish, or share a Postgres server with --db postgres://…",
        );
      }
      if (current?.socket?.startsWith(path.join(tmpdir(), "sweep-store-"))) {
        await rm(current.socket, { recursive: true, force: true });
      }
      await unlink(file).catch(() => {});
    }
  }
  throw new DatabaseUnavailableError(`cannot lock the embedded store ${embeddedDir}: ${file} keeps reappearing`);
}

/** Another live process holding `embeddedDir`, and the socket directory it serves it on (null while it opens it). */
export async function liveStoreHolder(embeddedDir: string): Promise<{ pid: number; socket: string | null } | null> {
  const owner = await readOwner(storeLockPath(embeddedDir));
  if (!owner || owner.pid === process.pid || !isAlive(owner.pid)) return null;
  return { pid: owner.pid, socket: owner.socket ?? null };
}

/** How long a reader waits for a process that is opening the store to start serving it. */
const OPENING_WAIT_MS = 30_000;

/**
 * `liveStoreHolder`, but a holder still opening the store (no socket yet: a `sweep run`
 * in its first seconds) is waited for, up to `waitMs`, so a dashboard started with the
 * run attaches to it. Resolves with a holder without a socket only when the wait ran out.
 */
export async function servingStoreHolder(
  embeddedDir: string,
  waitMs = OPENING_WAIT_MS,
): Promise<{ pid: number; socket: string | null } | null> {
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

async function readOwner(file: string): Promise<LockOwner | null> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as LockOwner;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  return !isZombie(pid);
}

/**
 * A process killed but not yet waited for by its parent still answers `kill(pid, 0)`;
 * it holds nothing any more. Linux shows it as state Z (or X) in `/proc/<pid>/stat`,
 * after the command name in parentheses, which may itself hold spaces and parentheses.
 */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.charAt(stat.lastIndexOf(")") + 2);
    return state === "Z" || state === "X";
  } catch {
    return false;
  }
}

function unlinkIfOwned(file: string): void {
  try {
    if ((JSON.parse(readFileSync(file, "utf8")) as LockOwner).pid === process.pid) unlinkSync(file);
  } catch {
    // Already gone.
  }
}
