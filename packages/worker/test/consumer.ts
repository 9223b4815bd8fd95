import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { DeliverPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { TrialEvent, TrialSpec } from "@sweep/core";
import {
  encodeTrialMessage,
  ensurePipeline,
  type PipelineNames,
  type PipelineSettings,
  parseTrialEvent,
} from "@sweep/protocol";
import { natsForTest } from "@sweep/protocol/testing";
import { afterAll, beforeAll } from "vitest";
import { SYNTHETIC_TASK } from "../src/fixtures/index.js";

export { NATS_URL, natsForTest } from "@sweep/protocol/testing";
export { inProcessSyntheticTrainer, syntheticTrials } from "../src/fixtures/index.js";

export const newSweepId = () => `s${randomBytes(4).toString("hex")}`;

/** For one test file: a private pipeline (NATS prefix) made with `settings`, deleted after the file. */
export function consumerPipeline(settings: Partial<PipelineSettings>) {
  const pipeline = {} as { nats: Awaited<ReturnType<typeof natsForTest>>; names: PipelineNames };
  beforeAll(async () => {
    pipeline.nats = await natsForTest();
    pipeline.names = await ensurePipeline(pipeline.nats.nc, { ...settings, prefix: pipeline.nats.prefix });
  });
  afterAll(async () => {
    await pipeline.nats?.dispose();
  });
  return pipeline;
}

/** Publishes one trial message per trial, as `sweep launch` does. */
export async function publishTrials(nc: NatsConnection, names: PipelineNames, trials: readonly TrialSpec[]) {
  const js = jetstream(nc);
  for (const trial of trials) {
    const { body, msgID } = encodeTrialMessage(trial);
    await js.publish(names.trialSubject(trial.sweepId), body, { msgID });
  }
}

/** Every event of the sweep stored in SWEEP_EVENTS so far, in stream order. */
export async function eventsOf(nc: NatsConnection, names: PipelineNames, sweepId: string): Promise<TrialEvent[]> {
  const subject = names.eventSubject(sweepId, "*");
  const jsm = await jetstreamManager(nc);
  const { state } = await jsm.streams.info(names.eventsStream, { subjects_filter: subject });
  const total = Object.values(state.subjects ?? {}).reduce((sum, n) => sum + n, 0);
  if (total === 0) return [];
  const consumer = await jetstream(nc).consumers.get(names.eventsStream, {
    filter_subjects: subject,
    deliver_policy: DeliverPolicy.All,
  });
  const events: TrialEvent[] = [];
  for await (const msg of await consumer.fetch({ max_messages: total, expires: 5000 })) {
    const event = parseTrialEvent(msg.string());
    if (event) events.push(event);
  }
  return events;
}

/**
 * How long the waits below poll before they fail, showing what they saw: 10× the few
 * seconds an ack wait, a backoff or a child worker's start take, below the tests' 60 s timeout.
 */
const WAIT_MS = 40_000;

/** Polls until the workers consumer holds no message (every delivery settled). */
export async function waitForQueueSettled(nc: NatsConnection, names: PipelineNames, timeoutMs = WAIT_MS) {
  const jsm = await jetstreamManager(nc);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const queue = await jsm.consumers.info(names.trialsStream, names.workersConsumer);
    if (queue.num_pending + queue.num_ack_pending === 0 && queue.delivered.stream_seq > 0) return;
    if (Date.now() > deadline) throw new Error(`trial messages still held: ${JSON.stringify(queue)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Polls until `done(events)` holds for the sweep's events; returns them. */
export async function waitForEvents(
  nc: NatsConnection,
  names: PipelineNames,
  sweepId: string,
  done: (events: TrialEvent[]) => boolean,
  timeoutMs = WAIT_MS,
): Promise<TrialEvent[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = await eventsOf(nc, names, sweepId);
    if (done(events)) return events;
    if (Date.now() > deadline)
      throw new Error(`events so far: ${events.map((e) => `${e.trialId}:${e.type}`).join(" ")}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The built worker package and synthetic trainer a worker child process runs. */
const WORKER_DIST = new URL("../dist/index.js", import.meta.url).href;

/** A `sweep worker`-like child process: the built `startWorkerProcess` with one thread on the synthetic trainer. */
export interface WorkerChild {
  child: ChildProcess;
  /** Resolves once the worker pulls; rejects if the child exits first. */
  started: Promise<void>;
  exited: Promise<number | null>;
  output(): string;
}

export function startWorkerChild(natsUrl: string, prefix: string): WorkerChild {
  const script = `
    const { startWorkerProcess } = await import(${JSON.stringify(WORKER_DIST)});
    await startWorkerProcess({
      nats: ${JSON.stringify(natsUrl)}, prefix: ${JSON.stringify(prefix)}, threads: 1, backend: "cpu",
      taskFile: ${JSON.stringify(SYNTHETIC_TASK)}, log: (line) => process.stderr.write(line + "\\n"),
    });`;
  const child = spawn(process.execPath, ["--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const started = new Promise<void>((resolve, reject) => {
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(" pulling from ")) resolve();
    });
    void exited.then((code) => reject(new Error(`worker child exited (${code}):\n${output}`)));
  });
  return { child, started, exited, output: () => output };
}
