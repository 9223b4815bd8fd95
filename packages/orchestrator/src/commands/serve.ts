import { PRINTABLE_LENGTH, printable, redactUrls, UsageError } from "@sweep/core";
import { describeTarget, openDatabase, resolveDatabaseTarget } from "@sweep/store";
import type { Command } from "commander";
import { startDatabaseRecorder } from "../nats/database-recording.js";
import { withDatabaseOption } from "./database-option.js";
import { type NatsOptions, withNats, withNatsOptions } from "./nats-option.js";
import { runUntilStopped } from "./shutdown-signals.js";

interface ServeOptions extends NatsOptions {
  db?: string;
  batch: string;
}

/**
 * `sweep serve [--nats URL] [--db URL]`: the recorder, from SWEEP_EVENTS into the
 * database, with the search controller beside it (bayes proposals, hyperband rungs).
 */
export function register(program: Command): void {
  withDatabaseOption(
    withNatsOptions(
      program
        .command("serve")
        .description(
          "Record trial events from NATS into the database (acked only after commit), copy worker heartbeats, and run the search controller of bayes and hyperband sweeps; runs until Ctrl-C.",
        )
        .option("--batch <n>", "events recorded per transaction at most", "5000"),
    ),
  ).action(async (options: ServeOptions) => {
    const batchSize = Number(options.batch);
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new UsageError(`--batch must be a positive integer, received ${JSON.stringify(options.batch)}`, "--batch");
    }
    const target = resolveDatabaseTarget(options);
    const database = await openDatabase(target, "write");
    try {
      await withNats(options, "sweep-serve", async (nc, names) => {
        const recorder = await startDatabaseRecorder({
          nc,
          names,
          batchSize,
          database,
          log: (line) => process.stderr.write(`sweep serve: ${printable(redactUrls(line), PRINTABLE_LENGTH.line)}\n`),
        });
        process.stdout.write(`recording ${names.eventsStream} into ${describeTarget(target)} (Ctrl-C to stop)\n`);
        await runUntilStopped(recorder);
      });
    } finally {
      await database.close();
    }
  });
}
