import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { PipelineSettings } from "@sweep/protocol";
import { afterAll, beforeAll } from "vitest";
import { type NatsServer, startNatsServer } from "./servers.js";
import { FaultPipeline, freshPostgresDatabase } from "./sweep.js";

/** One test file's servers: a private nats-server, a fresh test database and a temp directory. */
export interface FaultEnvironment {
  /** The file's own nats-server (so a fault can kill it); set in beforeAll. */
  readonly nats: NatsServer;
  /** A temp directory for configs and logs; set in beforeAll. */
  readonly dir: string;
  /** A pipeline with its own stream prefix on these servers, disposed in afterAll. */
  pipeline(prefix: string, settings: Partial<PipelineSettings>): Promise<FaultPipeline>;
}

/**
 * Registers the beforeAll that starts a file's servers and the afterAll that disposes
 * every pipeline made with `pipeline()`, drops the database, stops nats-server and
 * removes the directory.
 */
export function useFaultEnvironment(): FaultEnvironment {
  let nats: NatsServer | undefined;
  let postgresDb: Awaited<ReturnType<typeof freshPostgresDatabase>> | undefined;
  let dir = "";
  const pipelines: FaultPipeline[] = [];

  beforeAll(async () => {
    nats = await startNatsServer();
    postgresDb = await freshPostgresDatabase();
    dir = await mkdtemp(path.join(os.tmpdir(), "sweep-faults-"));
  });

  afterAll(async () => {
    for (const pipeline of pipelines) await pipeline.dispose();
    await postgresDb?.dispose();
    await nats?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("useFaultEnvironment: used before its beforeAll ran");
    return value;
  };
  return {
    get nats() {
      return started(nats);
    },
    get dir() {
      return dir;
    },
    async pipeline(prefix, settings) {
      const created = await FaultPipeline.create({
        natsUrl: started(nats).url,
        databaseUrl: started(postgresDb).url,
        dir,
        prefix,
        settings,
      });
      pipelines.push(created);
      return created;
    },
  };
}
