import { PRINTABLE_LENGTH, printable, redactUrls } from "@sweep/core";
import { resolveNatsUrl } from "@sweep/protocol";
import type { Command } from "commander";
import { type NatsOptions, natsPrefixOf, natsReplicasOf, withNatsOptions } from "./nats-option.js";
import { runUntilStopped } from "./shutdown-signals.js";
import { parseTrainingOptions, type TrainingOptions, withTrainingOptions } from "./training-options.js";

type WorkerCommandOptions = NatsOptions & TrainingOptions;

/**
 * `sweep worker [--threads N] [--backend B]`: train trials from NATS until Ctrl-C, or
 * until a stuck trial's thread cannot be stopped (then exit 1, to be restarted).
 */
export function register(program: Command): void {
  withNatsOptions(
    withTrainingOptions(
      program
        .command("worker")
        .description(
          "Train queued trials from NATS, one per thread, until Ctrl-C (running trials are handed back to other workers). Needs only NATS, not the database. A stuck trial is handed back; when its thread cannot be stopped (native code), the worker hands back the rest and exits 1, for a supervisor to restart it.",
        ),
    ),
  ).action(async (options: WorkerCommandOptions) => {
    const training = parseTrainingOptions(options);
    // Loaded here: the worker loads tfjs, which no other command needs.
    const { expectedBackend, startWorkerProcess } = await import("@sweep/worker");
    const running = await startWorkerProcess({
      nats: resolveNatsUrl(options.nats),
      prefix: natsPrefixOf(options),
      replicas: natsReplicasOf(),
      ...training,
      stopWhenStranded: true,
      log: (line) => process.stderr.write(`sweep worker: ${printable(redactUrls(line), PRINTABLE_LENGTH.line)}\n`),
    });
    process.stderr.write(
      `sweep worker ${running.worker.id}: ${training.threads} threads, backend ${expectedBackend(training.backend)} (Ctrl-C to stop)\n`,
    );
    await runUntilStopped({ closed: running.worker.closed, stop: () => running.stop() });
    process.stderr.write(`sweep worker ${running.worker.id}: stopped after ${running.worker.finishedTrials} trials\n`);
    if (running.strandedThreads > 0) {
      // Exit 1: a supervisor (systemd, compose `restart:`) starts a fresh process with every core.
      throw new Error(
        `a stuck trial's training thread is blocked in native code and cannot be stopped: this worker handed its trials back and exits to be restarted`,
      );
    }
  });
}
