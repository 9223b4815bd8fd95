import { readFileSync } from "node:fs";
import { connect, credsAuthenticator, type NatsConnection } from "@nats-io/transport-node";
import { errorMessage } from "@sweep/core";
import { keepOnJetStream, type ReachabilityOptions } from "./jetstream-reachability.js";

/** The NATS server a process talks to: `--nats`, else `NATS_URL`, else the local default. */
export const DEFAULT_NATS_URL = "nats://127.0.0.1:4222";

export function resolveNatsUrl(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return option ?? (env.NATS_URL || DEFAULT_NATS_URL);
}

/**
 * Connects to NATS. Credentials come from the environment, never the command line:
 * `NATS_CREDS` (a .creds file), `NATS_USER` + `NATS_PASSWORD`, or `NATS_TOKEN`.
 * `servers` may list several URLs separated by commas (a cluster). The connection moves
 * to another server when its own cannot serve JetStream (`keepOnJetStream`, which
 * `reachability` tunes; it says so on stderr by default).
 */
export async function connectNats(
  servers: string,
  name: string,
  env: NodeJS.ProcessEnv = process.env,
  reachability: ReachabilityOptions = {},
): Promise<NatsConnection> {
  const auth = env.NATS_CREDS
    ? { authenticator: credsAuthenticator(readFileSync(env.NATS_CREDS)) }
    : env.NATS_USER
      ? { user: env.NATS_USER, pass: env.NATS_PASSWORD }
      : env.NATS_TOKEN
        ? { token: env.NATS_TOKEN }
        : {};
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: servers.split(","), name, maxReconnectAttempts: -1, ...auth });
  } catch (error) {
    const reason = errorMessage(error);
    throw new Error(`cannot connect to NATS at ${servers}: ${reason}`);
  }
  keepOnJetStream(nc, reachability);
  return nc;
}
