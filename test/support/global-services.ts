import { spawnSync } from "node:child_process";
import net from "node:net";
import { startNatsServer, startPostgresServer } from "../faults/support/servers.js";

/**
 * `npm test`'s global setup: the suites need a PostgreSQL and a NATS server. Each is
 * TEST_PG_URL / TEST_NATS_URL when set, else the default on 127.0.0.1. When nothing
 * answers there, a private server is started from the installed binaries (as the
 * fault suite does), the variable points at it for every test file, and it is stopped
 * at the end; when the binaries are missing too, the run stops with one line saying
 * what to install.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const stops: Array<() => Promise<void>> = [];
  const services = [
    {
      variable: "TEST_PG_URL",
      fallback: "postgres://postgres@127.0.0.1:5432/postgres",
      binaries: ["postgres", "initdb"],
      install: "PostgreSQL (postgres, initdb)",
      start: startPostgresServer,
    },
    {
      variable: "TEST_NATS_URL",
      fallback: "nats://127.0.0.1:4222",
      binaries: ["nats-server"],
      install: "nats-server",
      start: () => startNatsServer(),
    },
  ];
  for (const service of services) {
    const url = process.env[service.variable] || service.fallback;
    if (await answers(new URL(url))) {
      process.env[service.variable] = url;
      continue;
    }
    const missing = service.binaries.filter((binary) => spawnSync(binary, ["--version"]).error);
    if (missing.length > 0) {
      throw new Error(
        `nothing answers at ${redacted(url)} and ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not installed: install ${service.install} or set ${service.variable}`,
      );
    }
    const server = await service.start();
    process.env[service.variable] = server.url;
    process.stderr.write(`nothing answers at ${redacted(url)}: started a private server at ${server.url}\n`);
    stops.push(() => server.dispose());
  }
  return async () => {
    for (const stop of stops) await stop();
  };
}

/** True when a TCP connection to the URL's host and port opens within a second. */
function answers(url: URL): Promise<boolean> {
  const port = Number(url.port || (url.protocol.startsWith("nats") ? 4222 : 5432));
  return new Promise((resolve) => {
    const socket = net.connect({ host: url.hostname, port, timeout: 1000 });
    const done = (up: boolean) => {
      socket.destroy();
      resolve(up);
    };
    socket.once("connect", () => done(true));
    socket.once("timeout", () => done(false));
    socket.once("error", () => done(false));
  });
}

function redacted(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//***@");
}
