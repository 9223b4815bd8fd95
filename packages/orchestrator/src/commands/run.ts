import { expandTrials, redactUrls, type TrialEvent, type TrialSpec } from "@sweep/core";
import { resolveNatsUrl } from "@sweep/protocol";
import { describeTarget, openDatabase, refuseChangedConfig, resolveDatabaseTarget, trialRanking } from "@sweep/store";
import { exitProcess } from "@sweep/worker/lite";
import type { Command } from "commander";
import { loadConfigFile } from "../config-file.js";
import { describeTrialCount } from "../controller/search-plan.js";
import type { startLiveDashboard } from "../dashboard/live-dashboard.js";
import { letInkDrawLive } from "../dashboard/terminal-env.js";
import { checkTrialsAgainstData } from "../dataset-check.js";
import { progressLine } from "../embedded/progress-lines.js";
import { planSweep } from "../nats/launch.js";
import { rankingTable } from "../output/ranking-table.js";
import { withDatabaseOption } from "./database-option.js";
import { type NatsOptions, natsNamed, withNatsOptions } from "./nats-option.js";
import { onShutdownSignals } from "./shutdown-signals.js";
import { parseTrainingOptions, type TrainingOptions, withTrainingOptions } from "./training-options.js";

interface RunOptions extends NatsOptions, TrainingOptions {
  db?: string;
  new?: boolean;
}

/** Exit status after Ctrl-C: the trials were cancelled and recorded, but the sweep did not finish. */
const INTERRUPTED = 130;
/** Exit status when the sweep finished but some of its trials failed (their errors are in the lines above). */
export const TRIALS_FAILED = 3;

/** Ends `sweep run` with TRIALS_FAILED: the CLI prints its message and exits with its `exitCode`. */
class TrialsFailedError extends Error {
  override readonly name = "TrialsFailedError";
  readonly exitCode = TRIALS_FAILED;
}

/**
 * `sweep run <config>`: train a sweep on this machine and print the ranking. Without
 * `--nats`/NATS_URL no service is needed: trials go straight to the training threads
 * and results into `--db` (default: PGlite under ./.sweep). With NATS it launches over
 * NATS and runs a worker and a recorder in this process (other machines may help).
 */
export function register(program: Command): void {
  withDatabaseOption(
    withNatsOptions(
      withTrainingOptions(
        program
          .command("run")
          .description(
            "Train a sweep here and print its ranking. No services needed (PGlite under ./.sweep); with --nats or NATS_URL it goes through NATS. Exits 3 when some trials failed (a stuck trial, see --stuck-after, fails); Ctrl-C cancels the running trials (exit 130).",
          )
          .argument("<config>", "sweep config file (YAML)"),
      ).option("--new", "run a config that ran before as a new sweep (default: resume it)"),
    ),
  ).action(async (configPath: string, options: RunOptions) => {
    const training = parseTrainingOptions(options);
    const { threads, backend, taskFile } = training;
    const { config, writtenSources } = await loadConfigFile(configPath);
    const { sweep, search, trials } = planSweep(config, options.new);
    // A --task module is not the real trainer: what its dataset.source means is its own affair.
    // A sweep with a proposer has no trials yet: its random sample (what expandTrials checks) stands in.
    const checked = search.proposer ? expandTrials(config, sweep.id) : trials;
    if (taskFile === undefined) await checkTrialsAgainstData(configPath, checked, { written: writtenSources });
    const target = resolveDatabaseTarget(options);
    const database = await openDatabase(target, "create");
    const byId = new Map<string, TrialSpec>(trials.map((trial) => [trial.id, trial]));
    // On a terminal the live dashboard shows the run (from after the line below); elsewhere, one line per event.
    let live: ReturnType<typeof startLiveDashboard> | undefined;
    const printEvent = (event: TrialEvent, proposed?: TrialSpec) => {
      const trial = proposed ?? byId.get(event.trialId);
      const line = trial && progressLine(event, trial.name, trial.training.epochs);
      if (line && !live) process.stdout.write(`${line}\n`);
    };
    let interrupted = false;
    let failed = 0;
    try {
      if (!options.new) await refuseChangedConfig(database, sweep, configPath);
      const overNats = natsNamed(options);
      // Loaded here: training loads tfjs, which the other commands do without.
      const { expectedBackend, startRun } = await import("./run-mode.js");
      process.stderr.write(
        `sweep ${sweep.id}: ${describeTrialCount(config, trials.length)}, ${threads} threads, backend ${expectedBackend(backend)}, ${overNats ? `over NATS at ${redactUrls(resolveNatsUrl(options.nats))}` : "in-process"}, results in ${describeTarget(target)}\n`,
      );
      if (process.stdout.isTTY) {
        // Loaded here: Ink and React are most of the CLI's start-up time, and only a terminal needs them.
        letInkDrawLive();
        const { startLiveDashboard } = await import("../dashboard/live-dashboard.js");
        live = startLiveDashboard(database, sweep.id);
      }
      const run = startRun(options, { database, config, sweep, trials, target, ...training }, printEvent);
      const removeHandlers = onShutdownSignals(() => {
        interrupted = true;
        run.cancel();
      });
      await run.finished;
      removeHandlers();
      live?.close();
      await live?.waitUntilExit();
      const ranking = await trialRanking(database, sweep.id);
      failed = ranking.filter((row) => row.status === "failed").length;
      process.stdout.write(`\n${rankingTable(ranking)}`);
      const outcome = interrupted ? " interrupted" : failed > 0 ? `: ${failed} of ${ranking.length} trials failed` : "";
      process.stdout.write(`sweep ${sweep.id}${outcome}; more: sweep results ${sweep.id}\n`);
    } finally {
      live?.close();
      await database.close();
    }
    if (interrupted) exitProcess(INTERRUPTED);
    if (failed > 0)
      throw new TrialsFailedError(`${failed} trial${failed === 1 ? "" : "s"} failed (exit ${TRIALS_FAILED})`);
  });
}
