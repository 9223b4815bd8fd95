import path from "node:path";
import { redactUrls, UsageError } from "@sweep/core";

/** Where a sweep's database lives: a Postgres server, or the embedded PGlite store in a directory. */
export type DatabaseTarget = { url: string } | { embeddedDir: string };

/** The embedded store's directory under the current directory when no database is named. */
export const EMBEDDED_DIR_NAME = ".sweep";

export interface DatabaseOptions {
  /** `--db`: a postgres:// URL, or a directory for the embedded store. */
  db?: string;
}

/** A value starting like a URL scheme (`mysql:`, `postgress:`, `http:`): never taken as a directory. */
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const POSTGRES_SCHEME = /^postgres(ql)?:\/\//i;

/**
 * The one rule every command uses: `--db`, else `DATABASE_URL`, else the embedded
 * store `.sweep/` in the current directory. A postgres:// or postgresql:// URL names a
 * server; anything starting like another URL is refused (a mistyped URL would
 * otherwise become a folder whose printed path holds its password); the rest names
 * an embedded store's directory (write `./a:b` for a directory whose name has a colon).
 */
export function resolveDatabaseTarget(
  options: DatabaseOptions,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): DatabaseTarget {
  const where = options.db !== undefined ? "--db" : "DATABASE_URL";
  const named = options.db ?? (env.DATABASE_URL || undefined);
  if (named === undefined) return { embeddedDir: path.resolve(cwd, EMBEDDED_DIR_NAME) };
  if (POSTGRES_SCHEME.test(named)) {
    if (!URL.canParse(named)) {
      throw new UsageError(`${where}: not a valid postgres URL: ${describeNamed(named)}`, where);
    }
    return { url: named };
  }
  if (URL_SCHEME.test(named)) {
    throw new UsageError(`${where}: must be a postgres:// URL or a directory, got ${describeNamed(named)}`, where);
  }
  return { embeddedDir: path.resolve(cwd, named) };
}

/** A rejected --db value for a message: credentials hidden, cut short. */
function describeNamed(value: string): string {
  const shown = redactUrls(value).replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^\s/@]*@/i, "$1***@");
  return JSON.stringify(shown.length > 80 ? `${shown.slice(0, 77)}...` : shown);
}

/** The PGlite data directory inside an embedded store. */
export function pgliteDataDir(embeddedDir: string): string {
  return path.join(embeddedDir, "pgdata");
}

/** `host:port/database as user` for messages: never the password. */
export function describeServer(url: string): string {
  try {
    const parsed = new URL(url);
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, "")) || "(default database)";
    const user = parsed.username ? ` as ${decodeURIComponent(parsed.username)}` : "";
    return `${parsed.hostname}:${parsed.port || "5432"}/${database}${user}`;
  } catch {
    return "(unparsable postgres URL)";
  }
}

/** Human name of a target for messages, without credentials. */
export function describeTarget(target: DatabaseTarget): string {
  return "url" in target ? `Postgres at ${describeServer(target.url)}` : `embedded store ${target.embeddedDir}`;
}

/** Removes the password of `url` from `text`, in case a driver echoes it back. */
export function redactPassword(text: string, url: string): string {
  let password = "";
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    return text;
  }
  return password ? text.replaceAll(password, "***") : text;
}
