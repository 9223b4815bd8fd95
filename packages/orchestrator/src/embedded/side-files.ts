import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { type DatabaseTarget, EMBEDDED_DIR_NAME } from "@sweep/store";

/**
 * A folder beside the embedded store (or in `./.sweep` when the results go to a
 * Postgres server) where a local run keeps files of its own: `checkpoints`, `models`.
 */
export function storeSideDir(target: DatabaseTarget, name: string, cwd: string = process.cwd()): string {
  return path.join("embeddedDir" in target ? target.embeddedDir : path.resolve(cwd, EMBEDDED_DIR_NAME), name);
}

/** A file's bytes, or undefined when it does not exist. */
export async function readIfPresent(file: string): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Replaces `file` atomically: written aside in its folder (made if missing), then renamed. */
export async function replaceFile(file: string, bytes: Uint8Array): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const written = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(written, bytes);
    await rename(written, file);
  } catch (error) {
    // A full disk leaves part of the file aside; the one it was to replace is untouched.
    await rm(written, { force: true }).catch(() => undefined);
    throw error;
  }
}
