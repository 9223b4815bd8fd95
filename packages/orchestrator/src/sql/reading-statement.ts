import { describeValue, errorMessage, UsageError } from "@sweep/core";
import { parse } from "libpg-query";

/**
 * A statement `sweep sql` accepts: exactly one, of a reading kind (SELECT, VALUES,
 * TABLE, WITH … SELECT, or EXPLAIN [ANALYZE] of one of those), as Postgres's own
 * parser (libpg-query) reads it.
 */
export interface ReadingStatement {
  /** The statement as the user wrote it, without a trailing semicolon. */
  text: string;
  /** `explain` cannot be a cursor's query, so it is run whole. */
  kind: "select" | "explain";
}

/**
 * Functions refused wherever they appear, even where the reader role and the READ
 * ONLY transaction would stop them too: each rule names why. Functions that only
 * read (and `pg_sleep`, which the timeout ends) are allowed.
 */
const REFUSED_FUNCTIONS: ReadonlyArray<{ name: RegExp; reason: string }> = [
  { name: /^set_config$/, reason: "changes a setting (such as the timeout)" },
  { name: /^(lo_|loread$|lowrite$)/, reason: "creates or reads large objects, which outlive the transaction" },
  { name: /^pg_(terminate|cancel)_backend$|^pg_signal_/, reason: "stops other sessions" },
  { name: /^pg_(read_|ls_|stat_file$|file_)/, reason: "reads the database server's files" },
  { name: /^dblink/, reason: "connects to another database" },
  { name: /^pg_(try_)?advisory_/, reason: "takes locks that other commands wait for" },
  { name: /_to_xml(schema)?$|_to_xml_and_xmlschema$|^ts_stat$|^ts_rewrite$/, reason: "runs SQL given as text" },
  {
    name: /^(nextval|setval|pg_notify|pg_reload_conf|pg_rotate_logfile|pg_promote|pg_switch_wal|pg_create_restore_point|pg_log_backend_memory_contexts|pg_import_system_collations)$|^pg_(stat_reset|backup_|start_backup|stop_backup|logical_|replication_|create_.*slot|drop_replication_slot|copy_.*slot|wal_replay_)/,
    reason: "changes the server's state",
  },
];

/** Statement nodes that write, anywhere in the tree (a data-modifying WITH, for one). */
const WRITING_NODES = new Set(["InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt"]);

/** Parses `sql` and returns the one reading statement in it, or refuses it with one line naming why. */
export async function checkReadingStatement(sql: string): Promise<ReadingStatement> {
  const statements = await parseStatements(sql);
  if (statements.length !== 1) {
    throw refusal(statements.length === 0 ? "no statement given" : `one statement only, got ${statements.length}`);
  }
  const [{ stmt, stmt_location: location = 0, stmt_len: length = 0 }] = statements as [ParsedStatement];
  const [kind] = Object.keys(stmt);
  const explained = kind === "ExplainStmt" ? Object.keys((stmt.ExplainStmt as { query: object }).query)[0] : kind;
  if (explained !== "SelectStmt") {
    throw refusal(
      `only a reading statement (SELECT, VALUES, TABLE, WITH … SELECT, EXPLAIN) runs, got ${describeKind(kind)}`,
    );
  }
  refuseWhatTheTreeDoes(stmt);
  const text = sql.slice(location, length > 0 ? location + length : undefined);
  return { text, kind: kind === "ExplainStmt" ? "explain" : "select" };
}

interface ParsedStatement {
  stmt: Record<string, unknown>;
  stmt_location?: number;
  stmt_len?: number;
}

async function parseStatements(sql: string): Promise<ParsedStatement[]> {
  try {
    return ((await parse(sql)) as { stmts?: ParsedStatement[] }).stmts ?? [];
  } catch (error) {
    // The parser recurses per nesting level: a very deep expression overflows its stack.
    if (error instanceof RangeError) throw refusal("it is nested too deeply to check");
    const details = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails;
    const at = details?.cursorPosition === undefined ? "" : ` (at character ${details.cursorPosition + 1})`;
    throw refusal(`${firstLine(error)}${at}`);
  }
}

/** Walks the whole parse tree (iteratively: a deep tree must not overflow the stack). */
function refuseWhatTheTreeDoes(root: unknown): void {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const node = pending.pop();
    if (node === null || typeof node !== "object") continue;
    for (const [key, value] of Object.entries(node)) {
      if (WRITING_NODES.has(key)) throw refusal(`it writes (${describeKind(key)})`);
      if (key === "SelectStmt") refuseSelectClauses(value as Record<string, unknown>);
      if (key === "FuncCall") refuseFunction(value as { funcname?: Array<{ String?: { sval?: string } }> });
      pending.push(value);
    }
  }
}

function refuseSelectClauses(select: Record<string, unknown>): void {
  if (select.intoClause !== undefined) throw refusal("SELECT … INTO creates a table");
  if (select.lockingClause !== undefined) throw refusal("FOR UPDATE/SHARE locks rows");
}

function refuseFunction(call: { funcname?: Array<{ String?: { sval?: string } }> }): void {
  const name = (call.funcname?.at(-1)?.String?.sval ?? "").toLowerCase();
  const rule = REFUSED_FUNCTIONS.find((candidate) => candidate.name.test(name));
  if (rule) throw refusal(`${describeValue(name)} is not allowed: it ${rule.reason}`);
}

/** `DeleteStmt` as `DELETE`, `CopyStmt` as `COPY`, `DoStmt` as `DO`, `VariableSetStmt` as `VARIABLE SET`. */
function describeKind(kind: string | undefined): string {
  return (kind ?? "nothing")
    .replace(/Stmt$/, "")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toUpperCase();
}

function refusal(reason: string): UsageError {
  return new UsageError(`<query>: sweep sql refused the statement: ${reason}`, "<query>");
}

function firstLine(error: unknown): string {
  return errorMessage(error).split("\n")[0] ?? "";
}
