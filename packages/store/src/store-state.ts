import { readdirSync, statSync } from "node:fs";
import { UsageError } from "@sweep/core";
import { pgliteDataDir } from "./target.js";

/** How a command may open a database. */
export type OpenMode =
  /** Read only: no migration, no store created; a schema behind the shipped migrations is refused. */
  | "read"
  /** Migrate, but never create an embedded store (cancel, retry, resume, launch). */
  | "write"
  /** Migrate, and create an embedded store where nothing is (`sweep run`, `sweep db migrate`). */
  | "create";

/**
 * Checks what is at `<embeddedDir>/pgdata` before anything touches it, and returns
 * whether a new store is to be created there. A damaged store (not a directory, empty,
 * or without PG_VERSION, e.g. a partial copy) is refused in every mode and left
 * exactly as it is: PGlite would initialise a new, empty store over it.
 */
export function checkEmbeddedStore(embeddedDir: string, mode: OpenMode): { create: boolean } {
  const dataDir = pgliteDataDir(embeddedDir);
  const state = inspectDataDir(dataDir);
  if (state === "store") return { create: false };
  if (state === "absent" && mode === "create") return { create: true };
  if (state === "absent") {
    throw new UsageError(
      `no sweep database at ${embeddedDir}: \`sweep run <config>\` creates one there, or name another with --db or DATABASE_URL`,
      "--db",
    );
  }
  throw new UsageError(
    `the embedded store ${embeddedDir} is damaged (${dataDir} ${state}); sweep neither opens nor re-initialises it: restore it from a copy, or move it away to start a new store`,
    "--db",
  );
}

/** "absent", "store", or what is wrong with the data directory. */
function inspectDataDir(dataDir: string): string {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dataDir).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "absent";
    throw error;
  }
  if (!isDirectory) return "is not a directory";
  const entries = readdirSync(dataDir);
  if (entries.length === 0) return "is empty";
  return entries.includes("PG_VERSION") ? "store" : "has no PG_VERSION";
}
