import { ensurePipeline, openNatsModels } from "@sweep/protocol";
import { natsForTest } from "@sweep/protocol/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keepWeights } from "./keep-weights.js";

describe("keepWeights into a kept-models bucket that fills up", () => {
  let nats: Awaited<ReturnType<typeof natsForTest>>;

  beforeAll(async () => {
    nats = await natsForTest();
    // Room for the first trial's two files (and the bucket's metadata), not for a third.
    await ensurePipeline(nats.nc, { prefix: nats.prefix, modelBucketBytes: 48 * 1024 });
  });
  afterAll(() => nats?.dispose());

  it("records the weights a full bucket refused as not stored, and leaves what it holds intact", async () => {
    const models = await openNatsModels(nats.nc, await ensurePipeline(nats.nc, { prefix: nats.prefix }));
    const file = (seed: number) => Uint8Array.from({ length: 16 * 1024 }, (_, i) => (i * 31 + seed) % 251);
    const first = await keepWeights(models, "t-000", [
      { kind: "best", epoch: 3, bytes: file(1) },
      { kind: "last", epoch: 5, bytes: file(2) },
    ]);
    expect(first).toEqual([
      { kind: "best", epoch: 3, size: 16384, stored: true },
      { kind: "last", epoch: 5, size: 16384, stored: true },
    ]);
    const second = await keepWeights(models, "t-001", [{ kind: "best", epoch: 2, bytes: file(3) }]);
    expect(second).toHaveLength(1);
    expect(second[0]).toMatchObject({ kind: "best", epoch: 2, size: 16384, stored: false });
    expect(second[0]?.note).toMatch(/^not stored: /);
    expect(await models.load("t-001", "best")).toBeUndefined();
    expect(await models.load("t-000", "best")).toEqual(file(1));
    expect(await models.load("t-000", "last")).toEqual(file(2));
  });

  it("without a store, keeps nothing and says so", async () => {
    expect(await keepWeights(undefined, "t-002", [{ kind: "best", epoch: 1, bytes: new Uint8Array(8) }])).toEqual([
      { kind: "best", epoch: 1, size: 8, stored: false, note: "no store for kept weights" },
    ]);
  });
});
