import { createRequire } from "node:module";
import type { Worker } from "node:worker_threads";

/**
 * Training threads of this process that were terminated (a stuck trial's) and have not
 * exited yet. One blocked in native code never does: V8 cannot interrupt native code.
 * It keeps its core until the process ends, and Node's own exit (`process.exit`, or
 * the event loop running out) waits for every thread to stop first: forever.
 */
const unstopped = new Set<number>();

/** Counts `thread`, just terminated, until it exits. */
export function trackTerminatedThread(thread: Worker): void {
  const { threadId } = thread;
  if (threadId < 0) return; // exited already
  unstopped.add(threadId);
  thread.once("exit", () => unstopped.delete(threadId));
}

/** Threads of this process terminated and not exited: the process must end with `exitPastUnstoppedThreads`. */
export function unstoppedThreadCount(): number {
  return unstopped.size;
}

/** `process.exit(code)`, or `exitPastUnstoppedThreads(code)` when a thread would keep Node's exit waiting. */
export function exitProcess(code: number): never {
  if (unstopped.size > 0) exitPastUnstoppedThreads(code);
  process.exit(code);
}

/**
 * Ends the process with exit status `code` without waiting for its threads: the way
 * out past a thread that does not stop. Output already written stays written (stdout
 * and stderr are synchronous on Linux pipes, files and terminals).
 *
 * Node has one documented call that ends the process with a status and joins no
 * thread: a WASI program's `proc_exit` with `returnOnExit: false` (C `exit()`; static
 * destructors run, so a thread spinning over an addon's static data could crash the
 * exit: the status is then the signal's, still not 0). Where that is not available,
 * the process kills itself (status 137 to a supervisor).
 */
export function exitPastUnstoppedThreads(code: number): never {
  try {
    const { WASI } = createRequire(import.meta.url)("node:wasi") as typeof import("node:wasi");
    const wasi = new WASI({ version: "preview1", returnOnExit: false });
    const program = new WebAssembly.Instance(new WebAssembly.Module(EXIT_PROGRAM), wasi.getImportObject());
    wasi.initialize(program);
    (program.exports.exit as (code: number) => void)(code);
  } catch {}
  process.kill(process.pid, "SIGKILL");
  throw new Error("unreachable: the process was killed");
}

// The project's TypeScript libraries (ES2023, no DOM) do not declare WebAssembly; Node has it.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
};

/**
 * `(module (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
 *   (memory (export "memory") 1)
 *   (func (export "exit") (param i32) local.get 0 call $proc_exit))`
 */
const EXIT_PROGRAM = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // magic, version 1
  ...[0x01, 0x05, 0x01, 0x60, 0x01, 0x7f, 0x00], // types: (i32) -> ()
  ...[0x02, 0x24, 0x01, 0x16, ...Buffer.from("wasi_snapshot_preview1"), 0x09, ...Buffer.from("proc_exit"), 0x00, 0x00],
  ...[0x03, 0x02, 0x01, 0x00], // one function of type 0
  ...[0x05, 0x03, 0x01, 0x00, 0x01], // one memory, 1 page
  ...[0x07, 0x11, 0x02, 0x06, ...Buffer.from("memory"), 0x02, 0x00, 0x04, ...Buffer.from("exit"), 0x00, 0x01],
  ...[0x0a, 0x08, 0x01, 0x06, 0x00, 0x20, 0x00, 0x10, 0x00, 0x0b], // local.get 0, call 0
]);
