import { getSweep, type SweepDatabase, type SweepRow } from "@sweep/store";
import type { Command } from "commander";
import { withDatabase, withDatabaseOption } from "./database-option.js";
import { type NatsOptions, withNatsOptions } from "./nats-option.js";
import { sweepArgument } from "./sweep-argument.js";

/**
 * Registers a command that changes one sweep (`sweep cancel`, `retry`, `resume`): a
 * `<sweep>` argument, `--nats` and `--db`. Its action opens the database for writing,
 * finds the sweep and hands both to `change`, with the NATS options (for
 * `withNatsIfReachable`: an embedded sweep has no NATS server).
 */
export function registerSweepChange(
  program: Command,
  name: string,
  description: string,
  change: (sweep: SweepRow, database: SweepDatabase, options: NatsOptions) => Promise<void>,
): void {
  withDatabaseOption(
    withNatsOptions(program.command(name).description(description).addArgument(sweepArgument())),
  ).action(async (sweepRef: string, options: NatsOptions & { db?: string }) => {
    await withDatabase(
      options,
      async (database) => change(await getSweep(database, sweepRef), database, options),
      "write",
    );
  });
}
