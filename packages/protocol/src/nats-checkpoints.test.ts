import { Objm } from "@nats-io/obj";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NATS_URL } from "../test/helpers.js";
import { openNatsCheckpoints } from "./checkpoints.js";
import { pipelineNames } from "./names.js";

describe("checkpoints in the object store", () => {
  const names = pipelineNames(`ckpt${process.pid}`);
  let nc: NatsConnection;

  beforeAll(async () => {
    nc = await connect({ servers: NATS_URL });
    await new Objm(nc).create(names.checkpointBucket);
  });

  afterAll(async () => {
    await (await new Objm(nc).open(names.checkpointBucket)).destroy();
    await nc.close();
  });

  it("never lets an older delivery overwrite a later one's checkpoint", async () => {
    const checkpoints = await openNatsCheckpoints(nc, names);
    const bytes = (epoch: number) => new Uint8Array([epoch]);
    const loaded = async () => {
      const stored = await checkpoints.load("t1");
      return stored && [...stored];
    };
    await checkpoints.save("t1", 2, bytes(2), { message: 7, attempt: 2 });
    // attempt 1 of the same message still runs on a worker that lost the trial
    await checkpoints.save("t1", 5, bytes(5), { message: 7, attempt: 1 });
    expect(await loaded()).toEqual([2]);
    await checkpoints.save("t1", 3, bytes(3), { message: 7, attempt: 2 });
    expect(await loaded()).toEqual([3]);
    // a retry publishes a new message: its first attempt takes over
    await checkpoints.save("t1", 4, bytes(4), { message: 9, attempt: 1 });
    expect(await loaded()).toEqual([4]);
    await checkpoints.remove("t1");
    expect(await loaded()).toBeUndefined();
    // after a removal, any delivery may start again
    await checkpoints.save("t1", 1, bytes(1), { message: 1, attempt: 1 });
    expect(await loaded()).toEqual([1]);
  });
});
