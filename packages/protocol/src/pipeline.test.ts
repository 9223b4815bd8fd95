import { jetstreamManager } from "@nats-io/jetstream";
import { Objm } from "@nats-io/obj";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { natsForTest } from "../test/helpers.js";
import { openNatsCheckpoints } from "./checkpoints.js";
import { DEFAULT_PIPELINE_SETTINGS, ensurePipeline } from "./pipeline.js";

describe("ensurePipeline", () => {
  let nats: Awaited<ReturnType<typeof natsForTest>>;

  beforeAll(async () => {
    nats = await natsForTest();
  });

  afterAll(async () => {
    await nats?.dispose();
  });

  it("keeps checkpoints a week by default, as long as trial events", async () => {
    const other = await natsForTest();
    try {
      const names = await ensurePipeline(other.nc, { prefix: other.prefix });
      const jsm = await jetstreamManager(other.nc);
      const checkpoints = await jsm.streams.info(`OBJ_${names.checkpointBucket}`);
      const events = await jsm.streams.info(names.eventsStream);
      expect(checkpoints.config.max_age).toBe(DEFAULT_PIPELINE_SETTINGS.checkpointTtlMs * 1e6);
      expect(checkpoints.config.max_age).toBe(events.config.max_age);
    } finally {
      await other.dispose();
    }
  });

  it("drops a checkpoint nobody saved again within checkpointTtlMs (a cancelled trial never resumed)", async () => {
    const names = await ensurePipeline(nats.nc, { prefix: nats.prefix, checkpointTtlMs: 1000 });
    const checkpoints = await openNatsCheckpoints(nats.nc, names);
    await checkpoints.save("t1", 3, new Uint8Array([3]));
    expect([...((await checkpoints.load("t1")) ?? [])]).toEqual([3]);
    // Watched through its info (the meta message), not its bytes: loading an object whose
    // chunk expired before its meta waits for the chunk until load gives up (30 s).
    // Gone about 1.1 s after it was saved (max_age 1 s); the wait gives up at 20 s.
    const store = await new Objm(nats.nc).open(names.checkpointBucket);
    const deadline = Date.now() + 20_000;
    while ((await store.info("t1")) !== null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(await store.info("t1")).toBeNull();
    expect(await checkpoints.load("t1")).toBeUndefined();
  });
});
