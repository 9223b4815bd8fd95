import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterEach, describe, expect, it } from "vitest";
import { NATS_URL } from "../test/helpers.js";
import { keepOnJetStream } from "./jetstream-reachability.js";

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });

/** A nats-server without JetStream: what a client sees of a node cut off from its cluster's quorum. */
async function serverWithoutJetStream(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn("nats-server", ["-a", "127.0.0.1", "-p", String(port)], { stdio: ["ignore", "pipe", "pipe"] });
  await new Promise<void>((resolve, reject) => {
    let output = "";
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Server is ready")) resolve();
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    child.once("exit", (code) => reject(new Error(`nats-server exited ${code}: ${output}`)));
  });
  return { url: `nats://127.0.0.1:${port}`, child };
}

describe("keepOnJetStream", () => {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it("moves a connection off a server that answers no JetStream request, to one that does", async () => {
    const bare = await serverWithoutJetStream();
    cleanups.push(() => bare.child.kill("SIGKILL"));
    const nc: NatsConnection = await connect({ servers: [bare.url, NATS_URL], noRandomize: true });
    cleanups.push(() => nc.close());
    const first = nc.getServer();
    const logged: string[] = [];
    keepOnJetStream(nc, { intervalMs: 200, failures: 2, log: (line) => logged.push(line) });
    const deadline = Date.now() + 15_000;
    while (nc.getServer() === first && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(first).toBe(bare.url.replace("nats://", ""));
    expect(nc.getServer()).toBe(NATS_URL.replace("nats://", ""));
    expect(logged[0]).toMatch(
      /^JetStream not reachable through 127\.0\.0\.1:\d+ \(.*\): reconnecting to another server$/,
    );
    await expect((await jetstreamManager(nc)).getAccountInfo()).resolves.toBeDefined();
  });

  it("stays on a server that serves JetStream", async () => {
    const nc = await connect({ servers: NATS_URL });
    cleanups.push(() => nc.close());
    const logged: string[] = [];
    keepOnJetStream(nc, { intervalMs: 100, failures: 2, log: (line) => logged.push(line) });
    let reconnects = 0;
    void (async () => {
      for await (const status of nc.status()) if (status.type === "reconnect") reconnects++;
    })();
    await new Promise((r) => setTimeout(r, 1000));
    expect(reconnects).toBe(0);
    expect(logged).toEqual([]);
  });
});
