import { randomBytes } from "node:crypto";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { deletePipeline } from "../src/pipeline.js";

/**
 * `@sweep/protocol/testing`, the NATS test helpers of every package (TypeScript, for
 * vitest). The test server: TEST_NATS_URL, which npm test's global setup sets, else
 * the one default, 127.0.0.1:4222.
 */
export const NATS_URL = process.env.TEST_NATS_URL || "nats://127.0.0.1:4222";

/** A connection and a unique prefix; `dispose` deletes the prefix's streams and buckets. */
export async function natsForTest(): Promise<{ nc: NatsConnection; prefix: string; dispose(): Promise<void> }> {
  const nc = await connect({ servers: NATS_URL });
  const prefix = `t${randomBytes(4).toString("hex")}`;
  return {
    nc,
    prefix,
    async dispose() {
      await deletePipeline(nc, prefix);
      await nc.close();
    },
  };
}
