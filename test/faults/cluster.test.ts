import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { jetstreamManager } from "@nats-io/jetstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NatsCluster, sleep, startNatsCluster } from "./support/servers.js";
import {
  describeFigures,
  FaultPipeline,
  freshPostgresDatabase,
  reportFigures,
  SYNTHETIC_TASK,
} from "./support/sweep.js";

const CLUSTER_CONFIG = fileURLToPath(new URL("../../infra/nats-cluster/", import.meta.url));
const TRIALS = 12;
const EPOCHS = 10;

describe("fault 9: one node of the 3-node JetStream cluster (infra/nats-cluster) killed mid-sweep", () => {
  let cluster: NatsCluster;
  let postgresDb: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let dir: string;
  let p: FaultPipeline | undefined;

  beforeAll(async () => {
    cluster = await startNatsCluster(CLUSTER_CONFIG);
    postgresDb = await freshPostgresDatabase();
    dir = await mkdtemp(path.join(os.tmpdir(), "sweep-faults-"));
  });

  afterAll(async () => {
    await p?.dispose();
    await postgresDb?.dispose();
    await cluster?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("completes the sweep on replicated streams with nothing lost", async () => {
    // The cluster elects its JetStream meta leader a few seconds after the nodes are up.
    for (let tries = 0; ; tries++) {
      try {
        p = await FaultPipeline.create({
          natsUrl: cluster.url,
          databaseUrl: postgresDb.url,
          dir,
          prefix: "f9",
          settings: { ackWaitMs: 2000, maxDeliver: 5, replicas: 3 },
        });
        break;
      } catch (error) {
        if (tries > 60) throw error;
        await sleep(500);
      }
    }
    const jsm = await jetstreamManager(await p.nc());
    const trialsInfo = await jsm.streams.info(p.names.trialsStream);
    const replicas = trialsInfo.config.num_replicas;
    await p.serve();
    await p.worker(SYNTHETIC_TASK);
    await p.worker(SYNTHETIC_TASK);
    const sweepId = await p.launch("cluster", Array(TRIALS).fill("synthetic:epoch_ms=100"), EPOCHS);
    await sleep(1500);
    // Kill the node leading the trials stream: the hardest one to lose.
    const leader = (await jsm.streams.info(p.names.trialsStream)).cluster?.leader;
    const victim = cluster.nodes.find((node) => node.name === leader);
    expect(victim, `the trials stream's leader ${leader} among the nodes`).toBeDefined();
    await victim?.server.kill9();
    await p.waitForTerminal(sweepId, 90_000);
    const f = await p.figures(sweepId);
    let newLeader: string | undefined;
    for (let tries = 0; tries < 60 && newLeader === undefined; tries++) {
      // The test's own connection may be re-homing from the killed node: ask again.
      newLeader = await jsm.streams
        .info(p.names.trialsStream)
        .then((info) => info.cluster?.leader)
        .catch(() => undefined);
      if (newLeader === undefined) await sleep(500);
    }
    reportFigures(
      `fault 9 cluster node ${victim?.name} (trials stream leader) killed -9 mid-sweep, streams R${replicas}, new leader ${newLeader}: ${describeFigures(f)}, trials redelivered ${f.redeliveredTrials}, finished trials redelivered and acked untrained ${p.finishedRedeliveries()}, epoch events lost before the stream ${f.epochsNotInStream}, lost by the recorder ${f.epochsNotRecorded}`,
    );
    expect(replicas).toBe(3);
    // A leader was found (not merely "none"), and it is another node.
    expect(newLeader, "the trials stream's leader after the kill").toBeDefined();
    expect(cluster.nodes.map((node) => node.name)).toContain(newLeader);
    expect(newLeader).not.toBe(victim?.name);
    expect(f.lost).toBe(0);
    expect(f.completed).toBe(TRIALS);
    expect(f.duplicateEpochRows).toBe(0);
    expect(f.epochsNotRecorded, await p.explainMissing(sweepId)).toBe(0);
    expect(f.missingEpochRows, await p.explainMissing(sweepId)).toBe(0);
  });
});
