import path from "node:path";

/** Where a sweep's database lives: a Postgres server, or the embedded PGlite store in a directory. */
export type DatabaseTarget = { url: string } | { embeddedDir: string };

/** The embedded store's directory under the current directory when no database is named. */
export const EMBEDDED_DIR_NAME = ".sweep";

export interface DatabaseOptions {
  /** `--db`: a postgres:// URL, or a directory for the embedded store. */
  db?: string;
}

/**
 * The one rule every command uses: `--db`, else `DATABASE_URL`, else the embedded
 * store `.sweep/` in the current directory. A value that is not a postgres:// URL
 * names an embedded store's directory.
 */
export function resolveDatabaseTarget(
  options: DatabaseOptions,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): DatabaseTarget {
  const named = options.db ?? (env.DATABASE_URL || undefined);
  if (named !== undefined && /^postgres(ql)?:\/\//i.test(named)) return { url: named };
  return { embeddedDir: path.resolve(cwd, named ?? EMBEDDED_DIR_NAME) };
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
