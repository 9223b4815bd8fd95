import { open, stat } from "node:fs/promises";
import { isUsageError, parseSweepConfig, type SweepConfig, UsageError } from "@sweep/core";
import { resolveDatasetSources, type WrittenSources } from "./dataset-source.js";

export interface LoadedConfig {
  /** The validated config, its relative `dataset.source`s resolved against the file's folder (`resolveDatasetSources`). */
  config: SweepConfig;
  /** The sources resolved, as written: for messages (`checkTrialsAgainstData`). */
  writtenSources: WrittenSources;
  /** The file's text as read (stored with the sweep, hashed by nobody: `configHash` hashes `config`). */
  text: string;
  /** The path as the user gave it; config errors are prefixed with it. */
  path: string;
}

/** The largest config file read (1 MB): a real sweep config is a few kB. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * Reads and validates a sweep config file. A missing file, a directory, anything but
 * a regular file, an unreadable file and a file over MAX_CONFIG_BYTES are each a
 * UsageError naming the path, found before more than MAX_CONFIG_BYTES are read; so is
 * every config mistake (see `parseSweepConfig`). Relative data set folders are
 * resolved against the file's folder.
 */
export async function loadConfigFile(path: string): Promise<LoadedConfig> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(
      `${path}: ${error.code === "ENOENT" ? "no such config file" : `cannot read (${error.code})`}`,
      path,
    );
  });
  if (info.isDirectory()) throw new UsageError(`${path}: is a directory, not a config file`, path);
  if (!info.isFile()) throw new UsageError(`${path}: is not a regular file`, path);
  if (info.size > MAX_CONFIG_BYTES) throw tooLarge(path, info.size);
  const text = await readAtMost(path, MAX_CONFIG_BYTES);
  const { config, written } = resolveDatasetSources(parseSweepConfig(text, path), path);
  return { config, writtenSources: written, text, path };
}

/** The file's text, or a UsageError once it turns out longer than `limit` bytes (it may grow after `stat`). */
async function readAtMost(path: string, limit: number): Promise<string> {
  const file = await open(path, "r").catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`${path}: cannot read (${error.code})`, path);
  });
  try {
    const buffer = Buffer.alloc(limit + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await file.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > limit) throw tooLarge(path, length);
    }
    return buffer.toString("utf8", 0, length);
  } catch (error) {
    if (isUsageError(error)) throw error;
    throw new UsageError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code})`, path);
  } finally {
    await file.close();
  }
}

function tooLarge(path: string, bytes: number): UsageError {
  const size = bytes.toLocaleString("en-US");
  return new UsageError(`${path}: config file is ${size} bytes, more than the limit of 1 MB (1,048,576 bytes)`, path);
}
