import { PRINTABLE_LENGTH, printable, redactUrls } from "@sweep/core";
import { resolveNatsUrl } from "@sweep/protocol";
import type { Command } from "commander";
import { type NatsOptions, natsPrefixOf, natsReplicasOf, withNatsOptions } from "./nats-option.js";
import { runUntilStopped } from "./shutdown-signals.js";
import { parseTrainingOptions, type TrainingOptions, withTrainingOptions } from "./training-options.js";

type WorkerCommandOptions = NatsOptions & TrainingOptions;

/** `sweep worker [--threads N] [--backend B]`: train trials from NATS until Ctrl-C. */
export function register(program: Command): void {
  withNatsOptions(
    withTrainingOptions(
      program
        .command("worker")
        .description(
          "Train queued trials from NATS, one per thread, until Ctrl-C (running trials are handed back to other workers). Needs only NATS, not the database.",
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
      log: (line) => process.stderr.write(`sweep worker: ${printable(redactUrls(line), PRINTABLE_LENGTH.line)}\n`),
    });
    process.stderr.write(
      `sweep worker ${running.worker.id}: ${training.threads} threads, backend ${expectedBackend(training.backend)} (Ctrl-C to stop)\n`,
    );
    await runUntilStopped({ closed: running.worker.closed, stop: () => running.stop() });
    process.stderr.write(`sweep worker ${running.worker.id}: stopped after ${running.worker.finishedTrials} trials\n`);
  });
}
