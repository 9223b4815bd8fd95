import { dbSchema, describeValue, type SweepRow, UsageError } from "@sweep/core";
import { desc, eq, like, or } from "drizzle-orm";
import type { SweepDatabase } from "./database.js";
import type { NewSweep } from "./sweeps.js";

const { sweeps } = dbSchema;

/**
 * The sweep a user means by `ref`: an exact id, else the only id starting with it,
 * else the newest sweep with that name; without `ref`, the newest sweep. A
 * `UsageError` naming the argument when nothing (or more than one id) matches.
 */
export async function getSweep(database: SweepDatabase, ref?: string, argument = "<sweep>"): Promise<SweepRow> {
  if (ref === undefined) {
    const [latest] = await database.db.select().from(sweeps).orderBy(desc(sweeps.createdAt)).limit(1);
    if (latest === undefined) throw new UsageError(`${argument}: no sweep in this database yet (launch one first)`);
    return latest;
  }
  const candidates = await database.db
    .select()
    .from(sweeps)
    .where(or(like(sweeps.id, `${escapeLike(ref)}%`), eq(sweeps.name, ref)))
    .orderBy(desc(sweeps.createdAt));
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
export async function refuseChangedConfig(database: SweepDatabase, sweep: NewSweep, configPath: string): Promise<void> {
  const named = await database.db
    .select({ id: sweeps.id, status: sweeps.status, configHash: sweeps.configHash })
    .from(sweeps)
    .where(eq(sweeps.name, sweep.name))
    .orderBy(desc(sweeps.createdAt));
  const [newest] = named;
  if (newest === undefined || named.some((row) => row.configHash === sweep.configHash)) return;
  throw new UsageError(
    `${configPath}: sweep ${newest.id} (${newest.status}) was launched from an earlier version of this config (name ${describeValue(sweep.name)}); ` +
      `use --new to start another sweep of the changed config, or \`sweep resume ${newest.id}\` to finish the old one`,
    configPath,
  );
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`);
}
