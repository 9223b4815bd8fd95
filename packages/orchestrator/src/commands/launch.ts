import { PRINTABLE_LENGTH, printable } from "@sweep/core";
import { refuseChangedConfig } from "@sweep/store";
import type { Command } from "commander";
import { loadConfigFile } from "../config-file.js";
import { checkTrialsAgainstData } from "../dataset-check.js";
import { launchSweep, planSweep } from "../nats/launch.js";
import { withDatabase, withDatabaseOption } from "./database-option.js";
import { type NatsOptions, withNats, withNatsOptions } from "./nats-option.js";

/** `sweep launch <config> [--new]`: record the sweep, publish its trials for workers. */
export function register(program: Command): void {
  withDatabaseOption(
    withNatsOptions(
      program
        .command("launch")
        .description(
          "Record a sweep and queue its trials on NATS for `sweep worker`s; `sweep serve` records their results. Prints the sweep id.",
        )
        .argument("<config>", "sweep config file (YAML)")
        .option("--new", "launch a config that was launched before as a new sweep (a suffixed id)"),
    ),
  ).action(async (configPath: string, options: NatsOptions & { db?: string; new?: boolean }) => {
    const { config, writtenSources } = await loadConfigFile(configPath);
    const { sweep, search, trials } = planSweep(config, options.new);
    await checkTrialsAgainstData(configPath, trials, { onlyLocalSources: true, written: writtenSources });
    const result = await withDatabase(
      options,
      async (database) => {
        if (!options.new) await refuseChangedConfig(database, sweep, configPath);
        return withNats(options, "sweep-launch", (nc, names) => launchSweep(database, nc, names, sweep, trials));
      },
      "write",
    );
    if (!result.created) {
      const line =
        `${configPath} is already sweep ${result.sweepId} (${result.existing.status}); nothing published. ` +
        "Use --new for another sweep of it, or `sweep retry` to re-queue failed trials.";
      process.stderr.write(`sweep: ${printable(line, PRINTABLE_LENGTH.line)}\n`);
    } else {
      const { proposer } = search;
      const proposing = proposer ? `; \`sweep serve\` proposes up to ${proposer.runCap} (bayes)` : "";
      process.stderr.write(`queued ${result.published} trials (${result.duplicates} already queued)${proposing}\n`);
    }
    process.stdout.write(`${result.sweepId}\n`);
  });
}
