import { readFile, stat } from "node:fs/promises";
import { parseSweepConfig, type SweepConfig, UsageError } from "@sweep/core";

export interface LoadedConfig {
  config: SweepConfig;
  /** The file's text as read (stored with the sweep, hashed by nobody: `configHash` hashes `config`). */
  text: string;
  /** The path as the user gave it; config errors are prefixed with it. */
  path: string;
}

/**
 * Reads and validates a sweep config file. A missing file, a directory or an
 * unreadable file is a UsageError naming the path; so is every config mistake
 * (see `parseSweepConfig`).
 */
export async function loadConfigFile(path: string): Promise<LoadedConfig> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(
      `${path}: ${error.code === "ENOENT" ? "no such config file" : `cannot read (${error.code})`}`,
      path,
    );
  });
  if (info.isDirectory()) throw new UsageError(`${path}: is a directory, not a config file`, path);
  const text = await readFile(path, "utf8").catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`${path}: cannot read (${error.code})`, path);
  });
  return { config: parseSweepConfig(text, path), text, path };
}
