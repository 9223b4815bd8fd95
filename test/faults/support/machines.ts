import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { SpawnPlace } from "@sweep/orchestrator/testing";
import { killAll, killAndDelete, namespaceSupport, RUN_TAG, run, tryRun } from "./namespaces.js";

const DELAYER = fileURLToPath(new URL("./nfqueue-delay.py", import.meta.url));

/** Where Debian's faketime package puts the library, if installed. */
export function libfaketime(): string | undefined {
  const dirs = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib"];
  return dirs.map((dir) => `${dir}/faketime/libfaketime.so.1`).find((file) => existsSync(file));
}

/** netem's terms: `delay delayMs jitterMs loss lossPct%` on a machine's outgoing packets. */
export interface LinkTrouble {
  delayMs: number;
  jitterMs: number;
  lossPct: number;
}

/**
 * A test network: one bridge on a private /24 used by nothing else, the test process
 * at .254 on it (it launches, reads the database and looks at JetStream from there),
 * and machines at .1, .2, … No machine has a default route: nothing leaves the bridge.
 * `dispose` kills every machine's processes and deletes namespaces, links and dirs.
 */
export class TestNetwork {
  readonly machines: Machine[] = [];

  private constructor(
    readonly bridge: string,
    readonly subnet: string,
  ) {}

  static create(): TestNetwork {
    const support = namespaceSupport();
    if (!support.available) throw new Error(`network namespaces refused: ${support.reason}`);
    const bridge = `${RUN_TAG}.br`;
    const routes = run("ip", ["-4", "route", "show"]);
    let third = 1 + (process.pid % 200);
    while (routes.includes(`10.213.${third}.`)) third = (third % 250) + 1;
    const subnet = `10.213.${third}`;
    run("ip", ["link", "add", bridge, "type", "bridge"]);
    run("ip", ["addr", "add", `${subnet}.254/24`, "dev", bridge]);
    run("ip", ["link", "set", bridge, "up"]);
    return new TestNetwork(bridge, subnet);
  }

  /** The test process's own address on the bridge. */
  get hostAddress(): string {
    return `${this.subnet}.254`;
  }

  /**
   * A machine: namespace `swf<pid>.<name>`, `eth0` on the bridge, a working directory,
   * and an nft table whose set `cut` drops traffic to and from the addresses in it
   * (and whose set `refused` rejects what it sends them).
   * `clock` (faketime's `-f` offset, e.g. "+5m") shifts the clock of what it runs.
   */
  addMachine(name: string, options: { clock?: string } = {}): Machine {
    const n = this.machines.length + 1;
    const ns = `${RUN_TAG}.${name}`;
    const veth = `${RUN_TAG}.v${n}`;
    const address = `${this.subnet}.${n}`;
    const dir = mkdtempSync(path.join(os.tmpdir(), `sweep-machine-${name}-`));
    run("ip", ["netns", "add", ns]);
    const machine = new Machine(name, ns, address, dir, veth, options.clock);
    this.machines.push(machine);
    run("ip", ["link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns]);
    run("ip", ["link", "set", veth, "master", this.bridge, "up"]);
    run("ip", ["-n", ns, "addr", "add", `${address}/24`, "dev", "eth0"]);
    run("ip", ["-n", ns, "link", "set", "eth0", "up"]);
    run("ip", ["-n", ns, "link", "set", "lo", "up"]);
    machine.nft([
      "add table inet fault",
      "add set inet fault cut { type ipv4_addr; }",
      "add chain inet fault out { type filter hook output priority 0; }",
      "add chain inet fault in { type filter hook input priority 0; }",
      "add set inet fault refused { type ipv4_addr; }",
      "add rule inet fault out ip daddr @cut drop",
      "add rule inet fault out ip daddr @refused reject",
      "add rule inet fault in ip saddr @cut drop",
    ]);
    return machine;
  }

  /** Drops all traffic between `a` and `b`, both ways, until `heal(a, b)`. */
  partition(a: Machine, b: Machine): void {
    a.nft([`add element inet fault cut { ${b.address} }`]);
    b.nft([`add element inet fault cut { ${a.address} }`]);
  }

  heal(a: Machine, b: Machine): void {
    a.nft([`delete element inet fault cut { ${b.address} }`]);
    b.nft([`delete element inet fault cut { ${a.address} }`]);
  }

  /**
   * Makes `b` refuse `a`'s connections at once (an ICMP reject on `a`'s way out), until
   * `accept(a, b)`: an address out of reach that a client skips without waiting out a
   * connect timeout, as it must with `partition`.
   */
  refuse(a: Machine, b: Machine): void {
    a.nft([`add element inet fault refused { ${b.address} }`]);
  }

  accept(a: Machine, b: Machine): void {
    a.nft([`delete element inet fault refused { ${b.address} }`]);
  }

  dispose(): void {
    for (const machine of this.machines) machine.dispose();
    tryRun("ip", ["link", "del", this.bridge]);
  }
}

/** One machine of a `TestNetwork`: where its processes run (`place`), its disk (`dir`). */
export class Machine {
  #delayer: ChildProcess | undefined;

  constructor(
    readonly name: string,
    readonly ns: string,
    readonly address: string,
    readonly dir: string,
    private readonly veth: string,
    readonly clock?: string,
  ) {}

  /**
   * `argv` run inside this machine's namespace, with libfaketime preloaded when its clock
   * is off (not the `faketime` wrapper, which forks: a kill would miss the process).
   */
  command(argv: string[]): string[] {
    const lib = libfaketime();
    if (this.clock && !lib) throw new Error("libfaketime is not installed (apt install faketime)");
    const clock = this.clock ? ["env", `LD_PRELOAD=${lib}`, `FAKETIME=${this.clock}`] : [];
    return ["nsenter", `--net=/run/netns/${this.ns}`, "--", ...clock, ...argv];
  }

  /** Where `sweep` processes of this machine run: `FaultPipeline.start(args, machine.place)`. */
  get place(): SpawnPlace {
    return { prefix: this.command([]), cwd: this.dir };
  }

  nft(commands: string[]): void {
    run("ip", ["netns", "exec", this.ns, "nft", commands.join("\n")]);
  }

  /** Delays and drops this machine's outgoing packets (netem, else NFQUEUE + nfqueue-delay.py). */
  async degrade(trouble: LinkTrouble): Promise<void> {
    const { delayMs, jitterMs, lossPct } = trouble;
    if (namespaceSupport().delay === "netem") {
      const netem = ["delay", `${delayMs}ms`, `${jitterMs}ms`, "loss", `${lossPct}%`];
      run("ip", ["netns", "exec", this.ns, "tc", "qdisc", "add", "dev", "eth0", "root", "netem", ...netem]);
      return;
    }
    const [command, ...args] = this.command(["python3", DELAYER, "0", `${delayMs}`, `${jitterMs}`, `${lossPct}`]);
    const delayer = spawn(command as string, args, { stdio: ["ignore", "pipe", "inherit"] });
    this.#delayer = delayer;
    await new Promise<void>((resolve, reject) => {
      delayer.stdout?.once("data", () => resolve());
      delayer.once("exit", (code) => reject(new Error(`nfqueue-delay.py exited ${code} on ${this.name}`)));
    });
    run("ip", ["netns", "exec", this.ns, "iptables-legacy", "-A", "OUTPUT", "-o", "eth0", "-j", "NFQUEUE"]);
  }

  /** Undoes `degrade`. */
  restore(): void {
    tryRun("ip", ["netns", "exec", this.ns, "tc", "qdisc", "del", "dev", "eth0", "root"]);
    tryRun("ip", ["netns", "exec", this.ns, "iptables-legacy", "-F", "OUTPUT"]);
    this.#delayer?.kill("SIGKILL");
    this.#delayer = undefined;
  }

  /** The machine is gone: every process in its namespace SIGKILLed and its disk deleted. Returns the processes killed. */
  vanish(): number {
    const killed = killAll(this.ns);
    rmSync(this.dir, { recursive: true, force: true });
    return killed;
  }

  dispose(): void {
    this.#delayer?.kill("SIGKILL");
    killAndDelete(this.ns);
    tryRun("ip", ["link", "del", this.veth]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
