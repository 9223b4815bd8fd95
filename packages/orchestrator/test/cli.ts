import { spawn } from "node:child_process";
import { createSweep, type DatabaseTarget, openDatabase, recordEvents, recordHeartbeat } from "@sweep/store";
import { events, trialSpecs } from "@sweep/store/testing";
import { vi } from "vitest";
import { main } from "../src/cli.js";
import { SWEEP_BIN } from "./helpers.js";

/** What one CLI run printed and its exit code (no duration: tests read no clock). */
export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** Every stdout and stderr text of the runs below, for tests that check what was ever printed. */
export const printed: string[] = [];

/** Runs the CLI in-process and captures what it prints. */
export async function sweep(...args: string[]): Promise<CliRun> {
  let out = "";
  let err = "";
  const stdout = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const stderr = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    err += String(chunk);
    return true;
  });
  try {
    const code = await main(["node", "sweep", ...args]);
    return { code, out, err };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    printed.push(out, err);
  }
}

export { SWEEP_BIN } from "./helpers.js";

/**
 * Runs the built CLI (`bin/sweep.js`) as its own process; `interrupt` is called with
 * the child once it started and may signal it. Resolves when it exits.
 */
/** A child `sweep` still running after this long is killed (tests time out at 60 s). */
const CHILD_DEADLINE_MS = 50_000;

export function sweepProcess(
  args: string[],
  interrupt?: (child: { kill(signal: NodeJS.Signals): boolean; output(): string }) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CliRun> {
  const child = spawn(process.execPath, [SWEEP_BIN, ...args], { stdio: ["ignore", "pipe", "pipe"], env });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk) => {
    out += String(chunk);
  });
  child.stderr.on("data", (chunk) => {
    err += String(chunk);
  });
  interrupt?.({ kill: (signal) => child.kill(signal), output: () => out + err });
  // A run that never ends fails its test through its exit code, and leaves no process behind.
  const deadline = setTimeout(() => child.kill("SIGKILL"), CHILD_DEADLINE_MS);
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      clearTimeout(deadline);
      printed.push(out, err);
      resolve({ code: code ?? (signal ? 128 : 1), out, err });
    });
  });
}

/** `sweep: <one line>\n` and nothing else: one line, no stack trace. */
export const ONE_LINE = /^sweep: [^\n]+\n$/;

/**
 * Sweep `cli-sweep` ("mnist"): two trials (model-b best, overfitting from epoch 3),
 * a fresh worker and one silent for a minute.
 */
export async function seedCliSweep(target: DatabaseTarget): Promise<void> {
  const db = await openDatabase(target);
  try {
    const trials = trialSpecs("cli-sweep", 2).map((trial, i) => ({ ...trial, name: `model-${"ab"[i]}` }));
    await createSweep(db, { id: "cli-sweep", name: "mnist", config: {}, configHash: "h" }, trials);
    const curves = [
      [0.5, 0.4],
      [0.3, 0.2, 0.25, 0.3, 0.35],
    ];
    await recordEvents(
      db,
      trials.flatMap((trial, t) => [
        events.started(trial),
        ...(curves[t] ?? []).map((v, i) => events.epoch(trial, i + 1, v)),
      ]),
    );
    await recordEvents(db, [events.completed(trials[1] ?? trials[0])]);
    const beat = {
      host: "box",
      pid: 7,
      threads: 2,
      backend: "cpu",
      trials: [],
      images_per_s: 321,
      status: "running" as const,
    };
    // Stamped an hour ahead, so it is still fresh however late a loaded machine runs the
    // test that reads it; the silent one is a minute old, past STALE_WORKER_AFTER_MS.
    await recordHeartbeat(db, { ...beat, id: "fresh-worker", at: new Date(Date.now() + 3_600_000).toISOString() });
    await recordHeartbeat(db, { ...beat, id: "silent-worker", at: new Date(Date.now() - 60_000).toISOString() });
  } finally {
    await db.close();
  }
}
