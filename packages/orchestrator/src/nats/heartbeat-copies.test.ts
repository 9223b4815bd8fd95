import { jetstreamManager } from "@nats-io/jetstream";
import { type KV, Kvm } from "@nats-io/kv";
import type { WorkerHeartbeat } from "@sweep/core";
import { ensurePipeline, type PipelineNames } from "@sweep/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { natsForTest } from "../../test/pipeline.js";
import { type Recorder, startRecorder } from "./recorder.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Worker `id`'s heartbeat written `second` seconds into 2026 (`images_per_s` tells them apart once copied). */
const beat = (id: string, second: number, status: WorkerHeartbeat["status"] = "running"): WorkerHeartbeat => ({
  id,
  host: "test-host",
  pid: 1,
  threads: 2,
  backend: "cpu",
  trials: [],
  images_per_s: second,
  at: new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString(),
  status,
});

/** Every sink made, released after each test. */
const sinks: { release(): void }[] = [];

/**
 * What the recorder hands to `recordHeartbeats`, copy by copy. `hangFirst` makes the
 * first copy never finish (a database write that never returns) until `release()`.
 */
function heartbeatSink(hangFirst = false) {
  const copies: WorkerHeartbeat[][] = [];
  let release = () => {};
  const hung = new Promise<void>((resolve) => {
    release = resolve;
  });
  const sink = {
    copies,
    release: () => release(),
    async record(heartbeats: WorkerHeartbeat[]) {
      copies.push(heartbeats);
      if (hangFirst && copies.length === 1) await hung;
    },
    /** Whether a copy handed over `heartbeat` (same worker, same write, same status). */
    has(heartbeat: WorkerHeartbeat) {
      return copies.some((copy) =>
        copy.some(
          (h) => h.id === heartbeat.id && h.images_per_s === heartbeat.images_per_s && h.status === heartbeat.status,
        ),
      );
    },
  };
  sinks.push(sink);
  return sink;
}

async function waitUntil(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`still waiting after ${timeoutMs} ms for ${what}`);
    await sleep(20);
  }
}

describe("the recorder copies the heartbeat bucket into the workers table", () => {
  let nats: Awaited<ReturnType<typeof natsForTest>>;
  let names: PipelineNames;
  let bucket: KV;
  let recorder: Recorder | undefined;
  const put = (heartbeat: WorkerHeartbeat) => bucket.put(heartbeat.id, JSON.stringify(heartbeat));
  const consumersOnBucket = async () =>
    (await (await jetstreamManager(nats.nc)).streams.info(`KV_${names.heartbeatBucket}`)).state.consumer_count;

  beforeEach(async () => {
    nats = await natsForTest();
    names = await ensurePipeline(nats.nc, { prefix: nats.prefix });
    bucket = await new Kvm(nats.nc).open(names.heartbeatBucket);
  });
  afterEach(async () => {
    for (const sink of sinks.splice(0)) sink.release();
    await recorder?.stop();
    recorder = undefined;
    await nats?.dispose();
  });

  const start = (record: (heartbeats: WorkerHeartbeat[]) => Promise<void>, log?: (line: string) => void) =>
    startRecorder({
      nc: nats.nc,
      names,
      recordEvents: async () => {},
      recordHeartbeats: record,
      heartbeatCopyMs: 50,
      log,
    });

  it("keeps copying past a copy that never finishes, and loses none of its heartbeats", async () => {
    const sink = heartbeatSink(true);
    const logged: string[] = [];
    await put(beat("w-hung", 1));
    recorder = await start(sink.record, (line) => logged.push(line));
    await waitUntil("the first copy", () => sink.copies.length > 0);
    // Written while the first copy hangs: a later copy must carry them.
    await put(beat("w-later", 2));
    await put(beat("w-later", 3));
    await waitUntil("w-later's second heartbeat", () => sink.has(beat("w-later", 3)));
    // w-hung wrote nothing since; its heartbeat, held by the hung copy, is copied again.
    expect(sink.copies.slice(1).some((copy) => copy.some((h) => h.id === "w-hung"))).toBe(true);
    expect(logged.some((line) => /heartbeat copy .* still running/.test(line))).toBe(true);
  });

  it("copies every heartbeat while the bucket is written without a pause", async () => {
    const sink = heartbeatSink();
    await put(beat("w-departed", 1));
    let writing = true;
    let second = 10;
    const writer = (async () => {
      while (writing) await put(beat("w-busy", second++));
    })();
    try {
      recorder = await start(sink.record);
      await waitUntil("a copy", () => sink.copies.length > 0);
      await put(beat("w-late", 5));
      await waitUntil("w-late's heartbeat", () => sink.has(beat("w-late", 5)));
    } finally {
      writing = false;
      await writer;
    }
  });

  it("holds one consumer on the bucket while it runs and none after stop()", async () => {
    const sink = heartbeatSink();
    recorder = await start(sink.record);
    for (let second = 1; second <= 5; second++) {
      await put(beat("w-steady", second));
      await waitUntil(`heartbeat ${second}`, () => sink.has(beat("w-steady", second)));
    }
    expect(await consumersOnBucket()).toBe(1);
    await recorder.stop();
    recorder = undefined;
    expect(await consumersOnBucket()).toBe(0);
  });

  it("times each heartbeat by the NATS server that stored it, not by the worker's clock", async () => {
    const sink = heartbeatSink();
    recorder = await start(sink.record);
    const minutes = (n: number) => new Date(Date.now() + n * 60_000).toISOString();
    const before = Date.now();
    await put({ ...beat("w-ahead", 1), at: minutes(5) });
    await put({ ...beat("w-behind", 2), at: minutes(-5) });
    await waitUntil("both heartbeats", () => sink.has(beat("w-ahead", 1)) && sink.has(beat("w-behind", 2)));
    const copied = sink.copies.flat().filter((h) => h.id !== "w-hung");
    for (const heartbeat of copied) {
      // The server's clock here is the test's: within the test's own span, give or take a second.
      expect(Date.parse(heartbeat.at)).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(heartbeat.at)).toBeLessThanOrEqual(Date.now() + 1000);
    }
  });

  it("copies the heartbeat a worker writes just before the recorder stops", async () => {
    const sink = heartbeatSink();
    recorder = await start(sink.record);
    await put(beat("w-leaving", 1));
    await waitUntil("the running heartbeat", () => sink.has(beat("w-leaving", 1)));
    await put(beat("w-leaving", 2, "stopped"));
    await recorder.stop();
    recorder = undefined;
    expect(sink.has(beat("w-leaving", 2, "stopped"))).toBe(true);
  });
});
