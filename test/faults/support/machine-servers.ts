import { execFileSync } from "node:child_process";
import { appendFileSync, chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Machine } from "./machines.js";
import { ServerProcess } from "./servers.js";

const CLUSTER_CONFIG = fileURLToPath(new URL("../../../infra/nats-cluster/", import.meta.url));

/** A server running on a machine, on the port it would use on a real host. */
export interface MachineServer {
  machine: Machine;
  url: string;
  server: ServerProcess;
}

/** `nats-server -js` on `machine`'s address, port 4222, its store on the machine's disk. */
export async function startMachineNats(machine: Machine): Promise<MachineServer> {
  const store = path.join(machine.dir, "nats");
  const [command, ...args] = machine.command([
    "nats-server",
    ...["-a", machine.address, "-p", "4222", "-js", "-sd", store, "-n", `sweep-${machine.name}`],
  ]);
  const server = new ServerProcess(`nats on ${machine.name}`, command as string, args, "Server is ready");
  await server.start();
  return { machine, url: `nats://${machine.address}:4222`, server };
}

/**
 * The 3-node cluster of infra/nats-cluster as docs/distributed.md tells a person to run
 * it on three hosts: node-N.conf on machine N, ports kept, the routes' 127.0.0.1
 * replaced by the three machines' addresses, the store on the machine's disk.
 */
export async function startMachineCluster(machines: Machine[]): Promise<MachineServer[]> {
  // Node N keeps its ports (clients 4221+N, routes 6221+N), as the README says for three hosts.
  const routes = machines.map((m, i) => `    nats://${m.address}:${6222 + i}`).join("\n");
  const nodes = machines.map((machine, i) => {
    const text = readFileSync(path.join(CLUSTER_CONFIG, `node-${i + 1}.conf`), "utf8")
      .replace(/store_dir: .*/, `store_dir: ${JSON.stringify(path.join(machine.dir, "nats"))}`)
      .replace(/routes: \[[^\]]*\]/, `routes: [\n${routes}\n  ]`);
    const config = path.join(machine.dir, `node-${i + 1}.conf`);
    writeFileSync(config, text);
    const [command, ...args] = machine.command(["nats-server", "-c", config]);
    const server = new ServerProcess(`sweep-n${i + 1}`, command as string, args, "Server is ready");
    return { machine, url: `nats://${machine.address}:${4222 + i}`, server };
  });
  await Promise.all(nodes.map((node) => node.server.start()));
  return nodes;
}

/** The uid and gid of `postgres` (postgres refuses to run as root). */
function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"]).toString().trim());
  return { uid: id("-u"), gid: id("-g") };
}

/**
 * A throwaway PostgreSQL on `machine`'s address, port 5432, its data on the machine's
 * disk; trust auth for the test subnet. `url` is the `postgres` database.
 */
export async function startMachinePostgres(machine: Machine, subnet: string): Promise<MachineServer> {
  const user = postgresUser();
  const dir = path.join(machine.dir, "pg");
  const data = path.join(dir, "data");
  chmodSync(machine.dir, 0o711); // postgres must reach its data dir under it
  mkdirSync(dir);
  chownSync(dir, user.uid, user.gid);
  execFileSync("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"], {
    ...user,
    stdio: "ignore",
  });
  appendFileSync(path.join(data, "pg_hba.conf"), `host all all ${subnet}.0/24 trust\n`);
  const [command, ...args] = machine.command([
    "setpriv",
    ...["--reuid", String(user.uid), "--regid", String(user.gid), "--clear-groups"],
    "postgres",
    ...["-D", data, "-p", "5432", "-k", dir, "-c", `listen_addresses=${machine.address}`, "-c", "fsync=off"],
  ]);
  const server = new ServerProcess("postgres", command as string, args, "ready to accept connections", { cwd: dir });
  await server.start();
  return { machine, url: `postgres://postgres@${machine.address}:5432/postgres`, server };
}
