import { readFileSync, unlinkSync } from "node:fs";
import { open, readFile, unlink } from "node:fs/promises";
import path from "node:path";
import { DatabaseUnavailableError } from "./errors.js";

/**
 * One process at a time per embedded store: PGlite has no cross-process locking, and
 * two processes writing one data directory lose rows. The lock is a file holding the
 * owner's pid and command; a lock whose process is gone is taken over.
 */
export interface StoreLock {
  release(): Promise<void>;
}

interface LockOwner {
  pid: number;
  command: string;
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
      const releaseOnExit = () => unlinkIfOwned(file);
      process.once("exit", releaseOnExit);
      return {
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
      await unlink(file).catch(() => {});
    }
  }
  throw new DatabaseUnavailableError(`cannot lock the embedded store ${embeddedDir}: ${file} keeps reappearing`);
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
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function unlinkIfOwned(file: string): void {
  try {
    if ((JSON.parse(readFileSync(file, "utf8")) as LockOwner).pid === process.pid) unlinkSync(file);
  } catch {
    // Already gone.
  }
}
