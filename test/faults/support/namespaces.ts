import { execFileSync } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import path from "node:path";

/**
 * Whether this machine lets the suite make network namespaces. `expected` says they
 * should work here (Linux, root, `ip` present): then a refusal fails the faults instead
 * of skipping them.
 */
export interface NamespaceSupport {
  available: boolean;
  expected: boolean;
  /** Why not, in a few words ("" when available). */
  reason: string;
  /** How a machine's link is made slow: the kernel's netem, else NFQUEUE + nfqueue-delay.py. */
  delay: "netem" | "nfqueue" | "none";
}

/** Runs a command; returns its stdout, throws with its stderr. */
export function run(command: string, args: string[]): string {
  return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Whether `command` is an executable file in a directory of the PATH. */
function present(command: string): boolean {
  return (process.env.PATH ?? "").split(":").some((dir) => {
    try {
      accessSync(path.join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** The run's tag in every name it makes: "swf" + this process's pid in base 36. */
export const RUN_TAG = `swf${process.pid.toString(36)}`;

let probed: NamespaceSupport | undefined;

/** Probes once per process: a throwaway namespace, nft inside it, netem or NFQUEUE. */
export function namespaceSupport(): NamespaceSupport {
  probed ??= probe();
  return probed;
}

function probe(): NamespaceSupport {
  const expected = process.platform === "linux" && process.getuid?.() === 0 && present("ip");
  const refused = (reason: string): NamespaceSupport => ({ available: false, expected, reason, delay: "none" });
  if (process.platform !== "linux") return refused(`not Linux (${process.platform})`);
  if (process.getuid?.() !== 0) return refused("not root");
  for (const command of ["ip", "nft", "nsenter"]) if (!present(command)) return refused(`no ${command} on the PATH`);
  removeLeftovers();
  const ns = `${RUN_TAG}.probe`;
  try {
    run("ip", ["netns", "add", ns]);
  } catch (error) {
    return refused(`ip netns add refused: ${firstLine(error)}`);
  }
  try {
    run("ip", ["netns", "exec", ns, "nft", "add", "table", "inet", "probe"]);
    return { available: true, expected, reason: "", delay: delayMode(ns) };
  } catch (error) {
    return refused(`nft refused in a namespace: ${firstLine(error)}`);
  } finally {
    run("ip", ["netns", "del", ns]);
  }
}

function delayMode(ns: string): NamespaceSupport["delay"] {
  try {
    run("ip", ["netns", "exec", ns, "tc", "qdisc", "add", "dev", "lo", "root", "netem", "delay", "1ms"]);
    return "netem";
  } catch {}
  try {
    run("ip", ["netns", "exec", ns, "iptables-legacy", "-A", "OUTPUT", "-o", "lo", "-j", "NFQUEUE", "--queue-bypass"]);
    return present("python3") ? "nfqueue" : "none";
  } catch {
    return "none";
  }
}

function firstLine(error: unknown): string {
  const stderr = (error as { stderr?: string }).stderr;
  return (stderr || String(error)).trim().split("\n")[0] ?? "";
}

/**
 * Removes the namespaces and links of earlier runs whose process is gone (a run killed
 * before its afterAll): names `swf<pid36>.…`.
 */
function removeLeftovers(): void {
  const alive = (tag: string) => existsSync(`/proc/${Number.parseInt(tag, 36)}`);
  const namespaces = run("ip", ["netns", "list"])
    .split("\n")
    .map((line) => line.split(" ")[0] ?? "");
  for (const ns of namespaces) {
    const tag = /^swf([0-9a-z]+)\./.exec(ns)?.[1];
    if (tag && !alive(tag)) killAndDelete(ns);
  }
  const links = run("ip", ["-o", "link", "show"])
    .split("\n")
    .map((line) => /^\d+: (swf[0-9a-z]+\.[^:@]+)/.exec(line)?.[1] ?? "");
  for (const link of links) {
    const tag = /^swf([0-9a-z]+)\./.exec(link)?.[1];
    if (tag && !alive(tag)) tryRun("ip", ["link", "del", link]);
  }
}

/** Kills every process in namespace `ns` (SIGKILL) and deletes it. */
export function killAndDelete(ns: string): void {
  killAll(ns);
  tryRun("ip", ["netns", "del", ns]);
}

/** SIGKILLs every process in namespace `ns`; returns how many. */
export function killAll(ns: string): number {
  let pids: number[] = [];
  try {
    pids = run("ip", ["netns", "pids", ns]).split("\n").filter(Boolean).map(Number);
  } catch {}
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {}
  }
  return pids.length;
}

export function tryRun(command: string, args: string[]): boolean {
  try {
    run(command, args);
    return true;
  } catch {
    return false;
  }
}
