import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";

/** A TCP port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A server process the suite owns: started with fixed arguments, so `restart()` brings
 * it back on the same port and data directory after `kill9()` or `stop()`.
 */
export class ServerProcess {
  #child: ChildProcess | undefined;
  #output = "";
  #exited: Promise<void> = Promise.resolve();

  constructor(
    readonly name: string,
    private readonly command: string,
    private readonly args: string[],
    private readonly readyText: string,
    private readonly spawnOptions: { uid?: number; gid?: number; cwd?: string } = {},
  ) {}

  get output(): string {
    return this.#output;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** Starts the process and resolves once `readyText` appears in its output. */
  async start(timeoutMs = 30_000): Promise<void> {
    const child = spawn(this.command, this.args, { ...this.spawnOptions, stdio: ["ignore", "pipe", "pipe"] });
    this.#child = child;
    const startedAt = this.#output.length;
    this.#exited = new Promise((resolve) => child.once("exit", () => resolve()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`${this.name} not ready after ${timeoutMs} ms:\n${this.#output.slice(startedAt)}`));
      }, timeoutMs);
      const collect = (chunk: Buffer) => {
        this.#output += chunk.toString();
        if (this.#output.slice(startedAt).includes(this.readyText)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on("data", collect);
      child.stderr?.on("data", collect);
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (${code ?? signal}) before ready:\n${this.#output.slice(startedAt)}`));
      });
    });
  }

  /** SIGKILL: no shutdown at all. */
  async kill9(): Promise<void> {
    if (this.running) this.#child?.kill("SIGKILL");
    await this.#exited;
  }

  /** A clean shutdown (SIGTERM by default; Postgres: SIGINT is its "fast" shutdown). */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    if (this.running) this.#child?.kill(signal);
    const timer = setTimeout(() => this.#child?.kill("SIGKILL"), 10_000);
    await this.#exited;
    clearTimeout(timer);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }
}

export interface NatsServer {
  url: string;
  port: number;
  server: ServerProcess;
  /** Stops the server and removes its store directory. */
  dispose(): Promise<void>;
}

/** `nats-server -js` with file storage in a fresh temp dir on a free port. */
export async function startNatsServer(extraArgs: string[] = [], name = "nats-server"): Promise<NatsServer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), "sweep-faults-nats-"));
  const server = new ServerProcess(
    name,
    "nats-server",
    ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", dir, ...extraArgs],
    "Server is ready",
  );
  await server.start().catch(async (error) => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    server,
    async dispose() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface NatsCluster {
  /** The client URLs of all nodes, comma-separated (what NATS_URL takes). */
  url: string;
  nodes: { name: string; url: string; server: ServerProcess }[];
  dispose(): Promise<void>;
}

/**
 * The three nodes of infra/nats-cluster/node-N.conf on free ports: each node reads its
 * config file, and only ports, routes and store directory are overridden.
 */
export async function startNatsCluster(configDir: string): Promise<NatsCluster> {
  const clientPorts = [await freePort(), await freePort(), await freePort()];
  const routePorts = [await freePort(), await freePort(), await freePort()];
  const routes = routePorts.map((port) => `nats://127.0.0.1:${port}`).join(",");
  const dirs: string[] = [];
  const nodes = [];
  for (let i = 0; i < 3; i++) {
    const dir = mkdtempSync(path.join(os.tmpdir(), `sweep-faults-n${i + 1}-`));
    dirs.push(dir);
    // nats-server refuses -sd beside a store_dir in the file: a copy with the temp dir.
    const config = path.join(dir, `node-${i + 1}.conf`);
    const text = readFileSync(path.join(configDir, `node-${i + 1}.conf`), "utf8");
    writeFileSync(config, text.replace(/store_dir: .*/, `store_dir: ${JSON.stringify(path.join(dir, "js"))}`));
    const server = new ServerProcess(
      `sweep-n${i + 1}`,
      "nats-server",
      [
        "-c",
        config,
        "-a",
        "127.0.0.1",
        "-p",
        String(clientPorts[i]),
        "-m",
        "0",
        "--cluster",
        `nats://127.0.0.1:${routePorts[i]}`,
        "--routes",
        routes,
      ],
      "Server is ready",
    );
    nodes.push({ name: `sweep-n${i + 1}`, url: `nats://127.0.0.1:${clientPorts[i]}`, server });
  }
  const dispose = async () => {
    await Promise.all(nodes.map((node) => node.server.stop()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  };
  // A node that fails to start must not leave the others running or their directories behind.
  await Promise.all(nodes.map((node) => node.server.start())).catch(async (error) => {
    await dispose();
    throw error;
  });
  return { url: nodes.map((node) => node.url).join(","), nodes, dispose };
}

export interface PostgresServer {
  url: string;
  port: number;
  server: ServerProcess;
  dispose(): Promise<void>;
}

/** The uid/gid of `postgres` when we run as root (postgres refuses to run as root). */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
  return { uid, gid };
}

/** A throwaway PostgreSQL cluster (initdb, trust auth, fsync off) on a free port. */
export async function startPostgresServer(): Promise<PostgresServer> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), "sweep-faults-pg-"));
  const data = path.join(dir, "data");
  const user = postgresUser();
  if (user) chownSync(dir, user.uid, user.gid);
  try {
    execFileSync("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"], {
      ...user,
      stdio: "ignore",
    });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const server = new ServerProcess(
    "postgres",
    "postgres",
    ["-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"],
    "ready to accept connections",
    { ...user, cwd: dir },
  );
  await server.start().catch(async (error) => {
    await server.stop("SIGINT");
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    server,
    async dispose() {
      await server.stop("SIGINT");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
