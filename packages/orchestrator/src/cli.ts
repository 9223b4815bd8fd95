import { errorMessage, isUsageError, PRINTABLE_LENGTH, printable, redactUrls } from "@sweep/core";
import { exitPastUnstoppedThreads, unstoppedThreadCount } from "@sweep/worker/lite";
import { Command, CommanderError } from "commander";
import { commands } from "./commands/index.js";

/**
 * The `sweep` binary. Each command lives in `commands/<name>.ts` and exports a
 * `register(program)`; this file only wires them and turns errors into exit codes:
 * 2 for a usage error (one line naming the argument or config path), an error's own
 * numeric `exitCode` when it has one (`sweep run`: 3 when trials failed), 1 for any
 * other failure (one line; the stack only with SWEEP_DEBUG=1). Every message goes
 * through `redactUrls` (a URL's credentials are never printed) and `printable`: control
 * characters escaped, cut to one line's length.
 */
export function buildProgram(): Command {
  const program = new Command("sweep")
    .description("Distributed hyperparameter sweeps of small CNNs: NATS JetStream, TensorFlow.js, PostgreSQL.")
    .version("0.1.0")
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(oneLineUsageError(text)) });
  for (const register of commands) register(program);
  return program;
}

/** Commander's `error: unknown option '--x'\n…` as `sweep: unknown option '--x' (see sweep --help)`. */
function oneLineUsageError(text: string): string {
  const message = text
    .replace(/^error: /, "")
    .replace(/\s+/g, " ")
    .trim();
  return `sweep: ${printable(message, PRINTABLE_LENGTH.line)} (see sweep --help)\n`;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    return reportError(error);
  }
}

/**
 * Ends the process with `code`: Node exits once pending work is done, unless a stuck
 * trial's training thread was terminated and has not stopped (blocked in native code):
 * Node's exit would wait for it forever, so the process ends at once past it.
 */
export function endProcess(code: number): void {
  if (unstoppedThreadCount() > 0) exitPastUnstoppedThreads(code);
  process.exitCode = code;
}

export function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed its message; help and version exit 0.
    return error.exitCode === 0 ? 0 : 2;
  }
  const message = errorMessage(error);
  process.stderr.write(`sweep: ${printable(redactUrls(message), PRINTABLE_LENGTH.line)}\n`);
  if (process.env.SWEEP_DEBUG && error instanceof Error && error.stack) {
    process.stderr.write(`${redactUrls(error.stack)}\n`);
  }
  if (isUsageError(error)) return 2;
  const exitCode = (error as { exitCode?: unknown } | null)?.exitCode;
  return typeof exitCode === "number" ? exitCode : 1;
}
