import { readFileSync } from "node:fs";
import path from "node:path";

/** What a store lock file says of its holder (`store-lock.ts`). */
export interface LockOwner {
  pid: number;
  /** The holder's arguments after `node` (`/…/bin/sweep.js run x.yaml`), for messages. */
  command: string;
  /** The holder's start time (`/proc/<pid>/stat` field 22, clock ticks after boot); absent where there is no /proc and in locks written before it was recorded. */
  started?: number;
  socket?: string;
}

/**
 * What the process a lock names is now:
 * - `gone`: no such process, or a zombie (killed, not yet reaped): it holds nothing;
 * - `holder`: the process that wrote the lock (same start time; for a lock without
 *   one, a command line that ends with the lock's command), or a live process that
 *   cannot be examined (no /proc);
 * - `other`: a live process that is not the holder: the pid was reused after the
 *   holder died without removing its lock (`commandLine` says what it is).
 */
export type LockHolderState = { kind: "gone" } | { kind: "holder" } | { kind: "other"; commandLine: string };

/** Process `pid` as a lock owner running `command`, with its start time where /proc tells it. */
export function lockOwner(pid: number, command: string): LockOwner {
  const started = startTime(pid);
  return { pid, command, ...(started === undefined ? {} : { started }) };
}

export function lockHolderState(owner: LockOwner): LockHolderState {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return { kind: "gone" };
  }
  const stat = procFile(owner.pid, "stat");
  if (stat === undefined) return { kind: "holder" };
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // A process killed but not yet waited for by its parent still answers kill(pid, 0): state Z (or X).
  if (fields[0] === "Z" || fields[0] === "X") return { kind: "gone" };
  const commandLine = (procFile(owner.pid, "cmdline") ?? "").split("\0").filter(Boolean);
  const same =
    owner.started === undefined
      ? sameCommand(owner.command, commandLine)
      : Number(fields[STARTTIME_FIELD]) === owner.started;
  return same ? { kind: "holder" } : { kind: "other", commandLine: commandLine.join(" ") };
}

/** `starttime` is field 22 of /proc/<pid>/stat; the fields after the command name start at field 3. */
const STARTTIME_FIELD = 22 - 3;

function startTime(pid: number): number | undefined {
  const stat = procFile(pid, "stat");
  if (stat === undefined) return undefined;
  const started = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[STARTTIME_FIELD]);
  return Number.isSafeInteger(started) ? started : undefined;
}

/**
 * A lock written without a start time: the process is its holder when its command
 * line names the lock's script (by file name; node may have been given it relative)
 * and ends with the lock's arguments.
 */
function sameCommand(command: string, commandLine: readonly string[]): boolean {
  const [script = "", ...args] = command.split(" ");
  const names = commandLine.map((arg) => path.basename(arg));
  return names.includes(path.basename(script)) && commandLine.join(" ").endsWith(args.join(" "));
}

function procFile(pid: number, name: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${name}`, "utf8");
  } catch {
    return undefined;
  }
}
