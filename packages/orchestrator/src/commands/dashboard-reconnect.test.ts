import { mkdtemp, readFile, rm } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase, resolveDatabaseTarget } from "@sweep/store";
import { ADMIN_URL } from "@sweep/store/testing";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedSweep } from "../../bench/seed-sweep.js";
import { syntheticTrialRows } from "../../bench/synthetic-sweep.js";
import { SWEEP_BIN } from "../../test/helpers.js";
import { privateTerminal } from "../../test/tmux.js";

const { tmux, until, screen, close: closeTerminal } = privateTerminal(`sweep-dashboard-reconnect-${process.pid}`);
const DATABASE = `sweep_dashboard_reconnect_${process.pid}`;

/** A TCP proxy to Postgres that can drop every connection and refuse new ones: the database "goes away". */
class CuttableProxy {
  private readonly sockets = new Set<net.Socket>();
  private up = true;
  private readonly server = net.createServer((client) => {
    if (!this.up) return client.destroy();
    const upstream = net.connect(this.target.port, this.target.host);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      socket.on("error", () => socket.destroy());
    }
    client.pipe(upstream).pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });

  constructor(private readonly target: { host: string; port: number }) {}

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return (this.server.address() as net.AddressInfo).port;
  }

  cut(): void {
    this.up = false;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.up = true;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

describe("sweep dashboard when the database goes away", () => {
  let dir = "";
  let admin: postgres.Sql;
  let proxy: CuttableProxy;
  let viaProxy = "";

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "sweep-dashboard-reconnect-"));
    admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE ${DATABASE}`);
    const server = new URL(ADMIN_URL);
    const direct = new URL(ADMIN_URL);
    direct.pathname = `/${DATABASE}`;
    const db = await openDatabase(resolveDatabaseTarget({ db: direct.toString() }));
    try {
      await seedSweep(db, {
        sweepId: "reconnect-1",
        sweepName: "reconnect-variants",
        trials: syntheticTrialRows({ trials: 4, epochs: 5, seed: 2 }),
      });
    } finally {
      await db.close();
    }
    proxy = new CuttableProxy({ host: server.hostname, port: Number(server.port || 5432) });
    const through = new URL(direct);
    through.port = String(await proxy.listen());
    through.password = "hunter2";
    viaProxy = through.toString();
  });

  afterAll(async () => {
    await closeTerminal();
    await proxy.close();
    await admin.unsafe(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await admin.end();
    await rm(dir, { recursive: true, force: true });
  });

  it("shows 'disconnected' without the password, reconnects, and still exits 0 on q", async () => {
    const exitFile = path.join(dir, "exit-code");
    // CI=true as in a CI job: the dashboard must still draw live frames on a terminal.
    const command = `CI=true node ${SWEEP_BIN} dashboard --db '${viaProxy}' --interval 200; echo $? > ${exitFile}`;
    tmux("new-session", "-d", "-x", "160", "-y", "50", "-s", "dash", command);

    await until("the first frame", () => (screen().includes("reconnect-variants") ? true : undefined));
    proxy.cut();
    const disconnected = await until("the disconnected line", () => {
      const text = screen();
      return text.includes("disconnected:") ? text : undefined;
    });
    expect(disconnected).not.toContain("hunter2");
    expect(disconnected).toContain("reconnect-variants");

    proxy.restore();
    await until("the reconnection", () => (screen().includes("disconnected:") ? undefined : true));

    tmux("send-keys", "-t", "dash", "q");
    const code = await until("the dashboard to exit", async () => {
      const text = await readFile(exitFile, "utf8").catch(() => "");
      return text.trim() === "" ? undefined : text.trim();
    });
    expect(code).toBe("0");
  }, 180_000);
});
