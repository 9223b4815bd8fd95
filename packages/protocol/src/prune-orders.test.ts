import { Kvm } from "@nats-io/kv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { natsForTest } from "../test/helpers.js";
import { ensurePipeline } from "./pipeline.js";
import { openPruneOrders, type PruneOrder } from "./prune-orders.js";

describe("prune orders in the prune bucket", () => {
  let nats: Awaited<ReturnType<typeof natsForTest>>;
  beforeAll(async () => {
    nats = await natsForTest();
  });
  afterAll(async () => {
    await nats?.dispose();
  });

  it("gives back an order by trial id, tells a watcher of later ones, and ignores foreign entries", async () => {
    const names = await ensurePipeline(nats.nc, { prefix: nats.prefix });
    const orders = await openPruneOrders(nats.nc, names);
    const order = (trialId: string): PruneOrder => ({ sweepId: "s1", trialId, epoch: 3, reason: `rung 2 ${trialId}` });
    await orders.put(order("s1-t001"));
    const seen: PruneOrder[] = [];
    const watch = await orders.watch((received) => seen.push(received));
    await (await new Kvm(nats.nc).open(names.pruneBucket)).put("s1-t009", "not an order");
    await orders.put(order("s1-t002"));
    await orders.put(order("s1-t002"));
    const deadline = Date.now() + 5000;
    while (seen.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await watch.stop();
    expect(seen).toEqual([order("s1-t002"), order("s1-t002")]);
    expect(await orders.get("s1-t001")).toEqual(order("s1-t001"));
    expect(await orders.get("s1-t009")).toBeUndefined();
    expect(await orders.get("s1-t404")).toBeUndefined();
  });
});
