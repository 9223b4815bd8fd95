import { errorMessage, UsageError } from "@sweep/core";

/** The read-only role of migration 0002 (docs/sql.md). */
export const READER_ROLE = "sweep_reader";

/** Runs one statement in the open transaction and returns its rows. */
export type RunStatement = (sql: string) => Promise<Record<string, unknown>[]>;

/**
 * Prepares the READ ONLY transaction a `sweep sql` statement runs in, on a server and
 * in the embedded store alike: the statement, lock-wait and idle-transaction timeouts,
 * then `SET LOCAL ROLE sweep_reader` when the user may take that role. A superuser
 * without the role (a database not migrated since it exists) is refused: statements
 * never run with a superuser's rights. Any other user runs as itself, within its own
 * privileges. Returns the role the statement runs as.
 */
export async function enterReaderSession(run: RunStatement, timeoutMs: number, where: string): Promise<string> {
  for (const setting of ["statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout"]) {
    await run(`SET LOCAL ${setting} = ${timeoutMs}`);
  }
  const [who] = await run(
    `SELECT current_user AS "user",
            (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
            EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${READER_ROLE}'
                    AND pg_has_role(current_user, oid, 'MEMBER')) AS reader`,
  );
  if (who?.reader === true) {
    await run(`SET LOCAL ROLE ${READER_ROLE}`);
    return READER_ROLE;
  }
  if (who?.superuser === true) {
    throw new UsageError(
      `${where} has no ${READER_ROLE} role, and sweep sql does not run statements as a superuser: run \`sweep db migrate\` first`,
      "--db",
    );
  }
  return String(who?.user);
}

const QUERY_CANCELED = "57014";
const LOCK_NOT_AVAILABLE = "55P03";
const IDLE_IN_TRANSACTION_TIMEOUT = "25P03";
const READ_ONLY_VIOLATION = "25006";
const INSUFFICIENT_PRIVILEGE = "42501";

/**
 * A statement the database refused or stopped is the user's to fix: one line naming
 * the argument and the reason (exit code 2). Anything without a SQLSTATE is rethrown.
 */
export function explainQueryError(error: unknown, timeoutMs: number, role: string | undefined): never {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== "string" || !/^[0-9A-Z]{5}$/.test(code)) throw error;
  const reason = errorMessage(error).split("\n")[0];
  const bound = `--timeout ${timeoutMs / 1000} s`;
  if (code === QUERY_CANCELED && /timeout/i.test(reason ?? "")) {
    throw queryError(`ran longer than ${bound} and was cancelled on the server`);
  }
  if (code === LOCK_NOT_AVAILABLE) throw queryError(`waited for a lock longer than ${bound} and was cancelled`);
  if (code === IDLE_IN_TRANSACTION_TIMEOUT) throw queryError(`the transaction sat idle longer than ${bound}`);
  if (code === READ_ONLY_VIOLATION) throw queryError(`sweep sql is read-only and refused the statement (${reason})`);
  if (code === INSUFFICIENT_PRIVILEGE && role === READER_ROLE) {
    throw queryError(`${reason} (sweep sql runs as ${READER_ROLE}, which reads the sweep tables and views only)`);
  }
  throw queryError(`${reason} (SQLSTATE ${code})`);
}

function queryError(reason: string): UsageError {
  return new UsageError(`<query>: ${reason}`, "<query>");
}
