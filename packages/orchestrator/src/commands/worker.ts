import { PRINTABLE_LENGTH, printable, redactUrls } from "@sweep/core";
import { resolveNatsUrl } from "@sweep/protocol";
import type { Command } from "commander";
import { type NatsOptions, natsPrefixOf, natsReplicasOf, withNatsOptions } from "./nats-option.js";
import { onShutdownSignals } from "./shutdown-signals.js";
import {
  BACKEND_HELP,
  INTRA_OP_HELP,
  parseBackend,
  parseIntraOpThreads,
  parseTaskFile,
  parseThreads,
} from "./threads-option.js";

interface WorkerCommandOptions extends NatsOptions {
  threads?: string;
  intraOpThreads?: string;
  backend: string;
  task?: string;
}

/** `sweep worker [--threads N] [--backend B]`: train trials from NATS until Ctrl-C. */
export function register(program: Command): void {
  withNatsOptions(
    program
      .command("worker")
      .description(
        "Train queued trials from NATS, one per thread, until Ctrl-C (running trials are handed back to other workers). Needs only NATS, not the database.",
      )
      .option("--threads <n>", "trials trained at once (default: one per CPU core)")
      .option("--backend <name>", BACKEND_HELP, "auto")
      .option("--intra-op-threads <n>", INTRA_OP_HELP)
      .option("--task <file>", "Piscina task module to train with instead of the real trainer (benchmarks)"),
  ).action(async (options: WorkerCommandOptions) => {
    const threads = parseThreads(options.threads);
    const backend = parseBackend(options.backend);
    const taskFile = parseTaskFile(options.task);
    // Loaded here: the worker loads tfjs, which no other command needs.
    const { expectedBackend, startWorkerProcess } = await import("@sweep/worker");
    const running = await startWorkerProcess({
      nats: resolveNatsUrl(options.nats),
      prefix: natsPrefixOf(options),
      replicas: natsReplicasOf(),
      threads,
      intraOpThreads: parseIntraOpThreads(options.intraOpThreads),
      backend,
      taskFile,
      log: (line) => process.stderr.write(`sweep worker: ${printable(redactUrls(line), PRINTABLE_LENGTH.line)}\n`),
    });
    process.stderr.write(
      `sweep worker ${running.worker.id}: ${threads} threads, backend ${expectedBackend(backend)} (Ctrl-C to stop)\n`,
    );
    let stopped: Promise<void> | undefined;
    const removeHandlers = onShutdownSignals(() => {
      stopped = running.stop();
    });
    await running.worker.closed;
    await (stopped ?? running.stop());
    removeHandlers();
    process.stderr.write(`sweep worker ${running.worker.id}: stopped after ${running.worker.finishedTrials} trials\n`);
  });
}
