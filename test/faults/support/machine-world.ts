import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { PipelineSettings } from "@sweep/protocol";
import { afterAll, beforeAll, expect } from "vitest";
import { type MachineServer, startMachineNats, startMachinePostgres } from "./machine-servers.js";
import { type Machine, TestNetwork } from "./machines.js";
import { namespaceSupport } from "./namespaces.js";
import { sleep } from "./servers.js";
import { FaultPipeline, reportFigures, type SweepProcess } from "./sweep.js";

/** A test file's machines: NATS on one, PostgreSQL on another, more added by each fault. */
export interface MachineWorld {
  readonly network: TestNetwork;
  /** The machine running the single nats-server. */
  readonly natsMachine: Machine;
  readonly nats: MachineServer;
  readonly postgres: MachineServer;
  readonly dir: string;
  /**
   * When namespaces are refused here: prints `<fault>: skipped …` as the fault's figure
   * line and returns true; fails instead where they should work (Linux, root, `ip`).
   */
  skipped(fault: string): boolean;
  /** A pipeline on this world's NATS (or `natsUrl`) with a fresh database on its Postgres. */
  pipeline(prefix: string, settings: Partial<PipelineSettings>, natsUrl?: string): Promise<FaultPipeline>;
}

/**
 * Registers the beforeAll that makes the network, a `nats` machine running nats-server
 * and a `db` machine running PostgreSQL (nothing when namespaces are refused), and the
 * afterAll that disposes pipelines, servers, machines and the bridge.
 */
export function useMachineWorld(): MachineWorld {
  const support = namespaceSupport();
  let network: TestNetwork | undefined;
  let natsMachine: Machine | undefined;
  let nats: MachineServer | undefined;
  let postgres: MachineServer | undefined;
  let dir = "";
  const pipelines: FaultPipeline[] = [];

  beforeAll(async () => {
    if (!support.available) return;
    network = TestNetwork.create();
    natsMachine = network.addMachine("nats");
    nats = await startMachineNats(natsMachine);
    postgres = await startMachinePostgres(network.addMachine("db"), network.subnet);
    dir = await mkdtemp(path.join(os.tmpdir(), "sweep-faults-"));
  });

  afterAll(async () => {
    for (const pipeline of pipelines) await pipeline.dispose().catch(() => {});
    await nats?.server.stop();
    await postgres?.server.stop("SIGINT");
    network?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("useMachineWorld: used before its beforeAll ran");
    return value;
  };
  return {
    get network() {
      return started(network);
    },
    get natsMachine() {
      return started(natsMachine);
    },
    get nats() {
      return started(nats);
    },
    get postgres() {
      return started(postgres);
    },
    get dir() {
      return dir;
    },
    skipped(fault) {
      if (support.available) return false;
      reportFigures(`${fault}: skipped, network namespaces refused here (${support.reason})`);
      expect(support.expected, `namespaces should work here (Linux, root, ip): ${support.reason}`).toBe(false);
      return true;
    },
    async pipeline(prefix, settings, natsUrl) {
      const pg = started(postgres);
      const database = `sweep_${prefix}`;
      execFileSync("createdb", ["-h", pg.machine.address, "-U", "postgres", database]);
      const created = await FaultPipeline.create({
        natsUrl: natsUrl ?? started(nats).url,
        databaseUrl: pg.url.replace(/\/postgres$/, `/${database}`),
        dir,
        prefix,
        settings,
      });
      pipelines.push(created);
      return created;
    },
  };
}

/** The worker id a `sweep worker` printed at start (`sweep worker <id>: …`). */
export const workerId = (worker: SweepProcess) => /sweep worker (\S+):/.exec(worker.output())?.[1] ?? "";

/** Polls `check` every 100 ms until it is true or `timeoutMs` passes; returns whether it became true. */
export async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(100);
  }
  return false;
}
