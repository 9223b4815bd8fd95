import { mkdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { describeValue, UsageError } from "@sweep/core";

/*
 * Files that `sweep plot` and `sweep models` write: only inside the `--out`
 * directory, named from text that may come from a config or the database (trial
 * names and ids), so every name is made safe first.
 */

/**
 * Creates `dir` and its missing parents one level at a time, or throws a UsageError
 * naming `option` and why. (Node's recursive mkdir never returns for a path under
 * /proc; this fails at the first level that cannot be created.)
 */
export async function makeOutputDir(dir: string, option = "--out"): Promise<void> {
  const missing: string[] = [];
  let current = path.resolve(dir);
  for (;;) {
    const info = await stat(current).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined;
      throw cannotCreate(dir, option, error.code);
    });
    if (info?.isDirectory()) break;
    if (info) throw cannotCreate(dir, option, `${current} is not a directory`);
    const parent = path.dirname(current);
    if (parent === current) throw cannotCreate(dir, option, "no such root");
    missing.unshift(current);
    current = parent;
  }
  for (const level of missing) {
    await mkdir(level).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw cannotCreate(dir, option, error.code);
    });
  }
}

function cannotCreate(dir: string, option: string, reason: string | undefined): UsageError {
  return new UsageError(
    `${option}: cannot create the directory (${reason ?? "unknown error"}), got ${describeValue(dir)}`,
    option,
  );
}

/**
 * `name` as one file name: lower case letters, digits, `=`, `.` and `-`, other runs
 * as one `-`, no leading or trailing `-` or `.`, at most 60 characters; `fallback`
 * when nothing is left. It never holds a path separator and is never `.` or `..`.
 */
export function safeFileName(name: string, fallback: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9=.]+/g, "-")
    .replace(/\.{2,}/g, ".")
    .slice(0, 60)
    .replace(/^[-.]+|[-.]+$/g, "");
  return slug || fallback;
}

/**
 * Writes `dir/fileName` (a name from `safeFileName` plus an extension), checked to
 * lie directly inside `dir`; a failed write is a UsageError naming `option`.
 * Returns the path written.
 */
export async function writeOutputFile(
  dir: string,
  fileName: string,
  data: string | Uint8Array,
  option = "--out",
): Promise<string> {
  const file = path.join(dir, fileName);
  if (path.dirname(path.resolve(file)) !== path.resolve(dir)) {
    throw new Error(`refusing to write ${describeValue(fileName)} outside ${describeValue(dir)}`);
  }
  await writeFile(file, data).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`${option}: cannot write ${describeValue(file)} (${error.code})`, option);
  });
  return file;
}
