/**
 * The database could not be opened (unreachable server, bad credentials, missing
 * database, failed migration). Its message is one line naming host:port/database
 * and the reason, never the password. Classified by `name`/`code`.
 */
export class DatabaseUnavailableError extends Error {
  override readonly name = "DatabaseUnavailableError";
  readonly code = "E_DB_UNAVAILABLE";
}

export function isDatabaseUnavailableError(error: unknown): error is DatabaseUnavailableError {
  return (
    typeof error === "object" && error !== null && (error as { name?: unknown }).name === "DatabaseUnavailableError"
  );
}

/** The message of a driver error, with its SQLSTATE when it has one. */
export function describeDriverError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const firstLine = error.message.split("\n")[0] ?? "";
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? `${firstLine} (SQLSTATE ${code})` : firstLine;
}
