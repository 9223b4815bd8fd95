import { describeValue, UsageError } from "@sweep/core";
import type { Queryable } from "./database.js";
import type { SweepRow } from "./schema.js";
import { sql } from "./sql.js";
import { type NewSweep, SWEEP_COLUMNS } from "./sweeps.js";

/**
 * `ref` when it can name a sweep; an empty or blank one is a `UsageError` naming the
 * argument: it would match every id by prefix.
 */
export function checkSweepRef(ref: string, argument = "<sweep>"): string {
  if (ref.trim() === "") {
    throw new UsageError(
      `${argument}: must be a sweep id, a unique start of one, or a name, got ${describeValue(ref)}`,
      argument,
    );
  }
  return ref;
}

/**
 * The sweep a user means by `ref`: an exact id, else the only id starting with it,
 * else the newest sweep with that name; without `ref`, the newest sweep. A
 * `UsageError` naming the argument when `ref` is blank, or nothing (or more than one
 * id) matches.
 */
export async function getSweep(database: Queryable, ref?: string, argument = "<sweep>"): Promise<SweepRow> {
  if (ref !== undefined) checkSweepRef(ref, argument);
  if (ref === undefined) {
    const latest = await newestSweep(database);
    if (latest === undefined) throw new UsageError(`${argument}: no sweep in this database yet (launch one first)`);
    return latest;
  }
  const candidates = await sweepsMatching(database, ref);
  const exact = candidates.find((sweep) => sweep.id === ref);
  if (exact) return exact;
  const byPrefix = candidates.filter((sweep) => sweep.id.startsWith(ref));
  if (byPrefix.length === 1) return byPrefix[0] as SweepRow;
  if (byPrefix.length > 1) {
    const ids = byPrefix.map((sweep) => sweep.id).join(", ");
    throw new UsageError(
      `${argument}: ${describeValue(ref)} is the start of several sweep ids (${ids}); give more of it`,
    );
  }
  const byName = candidates.find((sweep) => sweep.name === ref);
  if (byName) return byName;
  throw new UsageError(`${argument}: no sweep has the id or name ${describeValue(ref)} (see \`sweep ls\`)`);
}

/**
 * Refuses a config that was launched before under its name and has changed since:
 * its id (name + config hash) would silently start a second sweep beside the first.
 * A `UsageError` naming the config file, the newest sweep of that name and the ways on.
 */
export async function refuseChangedConfig(database: Queryable, sweep: NewSweep, configPath: string): Promise<void> {
  const named = await sweepsNamed(database, sweep.name);
  const [newest] = named;
  if (newest === undefined || named.some((row) => row.configHash === sweep.configHash)) return;
  throw new UsageError(
    `${configPath}: sweep ${newest.id} (${newest.status}) was launched from an earlier version of this config (name ${describeValue(sweep.name)}); ` +
      `use --new to start another sweep of the changed config, or \`sweep resume ${newest.id}\` to finish the old one`,
    configPath,
  );
}

/** The newest sweep, if any. */
export async function newestSweep(db: Queryable): Promise<SweepRow | undefined> {
  const [row] = await db.query<SweepRow>(sql`SELECT ${SWEEP_COLUMNS} FROM sweeps ORDER BY created_at DESC LIMIT 1`);
  return row;
}

/** The sweeps whose id starts with `ref` or whose name is `ref`, newest first. */
export function sweepsMatching(db: Queryable, ref: string): Promise<SweepRow[]> {
  return db.query<SweepRow>(sql`
    SELECT ${SWEEP_COLUMNS} FROM sweeps WHERE id LIKE ${`${escapeLike(ref)}%`} OR name = ${ref}
    ORDER BY created_at DESC`);
}

/** The sweeps named `name`, newest first. */
export function sweepsNamed(db: Queryable, name: string): Promise<SweepRow[]> {
  return db.query<SweepRow>(sql`SELECT ${SWEEP_COLUMNS} FROM sweeps WHERE name = ${name} ORDER BY created_at DESC`);
}

/** A sweep as the dashboard follows it. */
export interface SweepHeader extends Record<string, unknown> {
  id: string;
  name: string;
  status: string;
  created_at: string;
  finished_at: string | null;
}

/**
 * The database's clock and the sweep whose id or name is `ref` (the newest sweep when
 * undefined), read in one statement: ages are measured on the clock that wrote them.
 */
export async function sweepAtNow(
  db: Queryable,
  ref: string | undefined,
): Promise<{ now: Date; sweep: SweepHeader | null }> {
  const [row] = await db.query<{ now: Date; sweep: SweepHeader | null }>(sql`
    SELECT now() AS now, (
      SELECT row_to_json(s) FROM (
        SELECT id, name, status, created_at, finished_at FROM sweeps
        WHERE ${ref ?? null}::text IS NULL OR id = ${ref ?? null} OR name = ${ref ?? null}
        ORDER BY (id = ${ref ?? null}) DESC, created_at DESC LIMIT 1
      ) s
    ) AS sweep`);
  return row as { now: Date; sweep: SweepHeader | null };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
