import type { NatsConnection } from "@nats-io/transport-node";
import { UsageError } from "@sweep/core";
import { connectNats, ensurePipeline, type PipelineNames, pipelineNames, resolveNatsUrl } from "@sweep/protocol";
import type { Command } from "commander";

export interface NatsOptions {
  nats?: string;
  natsPrefix?: string;
}

/** Adds `--nats` and `--nats-prefix`, shared by every command that talks to NATS. */
export function withNatsOptions(command: Command): Command {
  return command
    .option("--nats <url>", "NATS server URL(s), comma-separated (default: $NATS_URL, else nats://127.0.0.1:4222)")
    .option(
      "--nats-prefix <prefix>",
      "put streams, subjects and buckets under this prefix (tests, side-by-side installs; default: $SWEEP_NATS_PREFIX)",
    );
}

/** True when the user named a NATS server (`--nats` or NATS_URL); embedded runs have none. */
export function natsNamed(options: NatsOptions, env: NodeJS.ProcessEnv = process.env): boolean {
  return options.nats !== undefined || Boolean(env.NATS_URL);
}

export function natsPrefixOf(options: NatsOptions, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return options.natsPrefix ?? (env.SWEEP_NATS_PREFIX || undefined);
}

/**
 * `SWEEP_NATS_REPLICAS`: copies of each stream and bucket when a command creates them
 * (3 on the cluster of infra/nats-cluster); default 1. Existing streams keep theirs.
 */
export function natsReplicasOf(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SWEEP_NATS_REPLICAS;
  if (raw === undefined || raw === "") return 1;
  const replicas = Number(raw);
  if (!Number.isInteger(replicas) || replicas < 1 || replicas > 5) {
    throw new UsageError(
      `SWEEP_NATS_REPLICAS must be an integer from 1 to 5, received ${JSON.stringify(raw)}`,
      "SWEEP_NATS_REPLICAS",
    );
  }
  return replicas;
}

/**
 * `withNats` for commands that also make sense without NATS (cancel, retry of an
 * embedded sweep): when no server was named and the default one does not answer,
 * returns undefined instead of failing.
 */
export async function withNatsIfReachable<T>(
  options: NatsOptions,
  clientName: string,
  use: (nc: NatsConnection, names: PipelineNames) => Promise<T>,
): Promise<T | undefined> {
  if (natsNamed(options)) return withNats(options, clientName, use);
  let nc: NatsConnection;
  try {
    nc = await connectNats(resolveNatsUrl(undefined), clientName);
  } catch {
    return undefined;
  }
  await nc.close();
  return withNats(options, clientName, use);
}

/** Connects, makes sure the pipeline's streams exist, runs `use`, and drains the connection. */
export async function withNats<T>(
  options: NatsOptions,
  clientName: string,
  use: (nc: NatsConnection, names: PipelineNames) => Promise<T>,
): Promise<T> {
  const replicas = natsReplicasOf();
  const prefix = natsPrefixOf(options);
  const nc = await connectNats(resolveNatsUrl(options.nats), clientName, process.env, {
    stream: pipelineNames(prefix).eventsStream,
  });
  try {
    const names = await ensurePipeline(nc, { prefix, replicas });
    return await use(nc, names);
  } finally {
    await nc.drain().catch(() => {});
  }
}
