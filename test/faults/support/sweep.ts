import { appendFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import type { TrialEvent } from "@sweep/core";
import { isTerminal } from "@sweep/core";
import { runSweep, type SpawnPlace, type SweepProcess, startSweep, sweepYaml } from "@sweep/orchestrator/testing";
import {
  ensurePipeline,
  keepOnJetStream,
  type PipelineNames,
  type PipelineSettings,
  pipelineNames,
} from "@sweep/protocol";
import { openDatabase, type SweepDatabase, sql } from "@sweep/store";
import { sleep } from "./servers.js";

export {
  freshPostgresDatabase,
  runSweep,
  type SpawnPlace,
  type SweepProcess,
  SYNTHETIC_TASK,
  startSweep,
  sweepYaml,
} from "@sweep/orchestrator/testing";
export { openDatabase, type SweepDatabase };

/** Waits until no trial message is unacked by the workers consumer; returns its info. */
export async function workersConsumerSettled(nc: NatsConnection, names: PipelineNames, timeoutMs = 20_000) {
  const jsm = await jetstreamManager(nc);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = await jsm.consumers.info(names.trialsStream, names.workersConsumer);
    if ((info.num_ack_pending === 0 && info.num_pending === 0) || Date.now() > deadline) return info;
    await sleep(200);
  }
}

/**
 * Runs a JetStream API look-up again while it times out: after a cluster node dies, the
 * test's own connection re-homes and the cluster elects leaders for a few seconds.
 */
export async function retrying<T>(lookUp: () => Promise<T>, tries = 30): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await lookUp();
    } catch (error) {
      if (attempt >= tries) throw error;
      await sleep(500);
    }
  }
}

/** Prints a fault's figure line and keeps it for the suite's summary (global-setup.ts). */
export function reportFigures(line: string): void {
  console.log(line);
  if (process.env.SWEEP_FAULTS_FIGURES) appendFileSync(process.env.SWEEP_FAULTS_FIGURES, `${line}\n`);
}

/**
 * One fault's world: a NATS prefix with shrunk timeouts on the suite's own NATS server,
 * a database, and the `sweep` processes it started (all killed by `dispose`).
 */
export class FaultPipeline {
  readonly processes: SweepProcess[] = [];
  readonly names: PipelineNames;
  readonly env: NodeJS.ProcessEnv;
  #nc: NatsConnection | undefined;

  private constructor(
    readonly natsUrl: string,
    readonly prefix: string,
    readonly databaseUrl: string,
    readonly database: SweepDatabase,
    readonly dir: string,
  ) {
    this.names = pipelineNames(prefix);
    this.env = { NATS_URL: natsUrl, SWEEP_NATS_PREFIX: prefix, DATABASE_URL: databaseUrl };
  }

  static async create(options: {
    natsUrl: string;
    databaseUrl: string;
    dir: string;
    prefix: string;
    settings: Partial<PipelineSettings>;
  }): Promise<FaultPipeline> {
    const nc = await connect({ servers: options.natsUrl.split(","), maxReconnectAttempts: -1 });
    try {
      await ensurePipeline(nc, { prefix: options.prefix, recorderAckWaitMs: 3000, ...options.settings });
    } finally {
      await nc.close();
    }
    const database = await openDatabase({ url: options.databaseUrl });
    return new FaultPipeline(options.natsUrl, options.prefix, options.databaseUrl, database, options.dir);
  }

  /** A connection for the test's own look-ups (reconnects forever, moves off a node cut from its cluster). */
  async nc(): Promise<NatsConnection> {
    if (!this.#nc) {
      this.#nc = await connect({ servers: this.natsUrl.split(","), maxReconnectAttempts: -1 });
      keepOnJetStream(this.#nc, { log: () => {} });
    }
    return this.#nc;
  }

  /** Starts `sweep <args>` here, or on a machine of the fault suite's network (`place`); `env` adds to the pipeline's. */
  start(args: string[], place?: SpawnPlace, env: NodeJS.ProcessEnv = {}): SweepProcess {
    const child = startSweep(args, { ...this.env, ...env }, place);
    this.processes.push(child);
    return child;
  }

  async serve(place?: SpawnPlace): Promise<SweepProcess> {
    const serve = this.start(["serve"], place);
    await serve.waitFor("recording");
    return serve;
  }

  async worker(task: string, threads = 2, place?: SpawnPlace): Promise<SweepProcess> {
    const worker = this.start(["worker", "--threads", String(threads), "--backend", "cpu", "--task", task], place);
    await worker.waitFor("threads, backend cpu");
    return worker;
  }

  /** Redeliveries the workers acked without training, their trial having finished (a lost ack). */
  finishedRedeliveries(): number {
    return this.processes.reduce(
      (sum, process) =>
        sum + (process.output().match(/acking its redelivered message without training it/g)?.length ?? 0),
      0,
    );
  }

  /** Writes a list sweep of one trial per synthetic source and runs `sweep launch`; returns the sweep id. */
  launch(name: string, sources: string[], epochs: number): Promise<string> {
    return this.launchConfig(name, sweepYaml(name, sources, epochs));
  }

  /** Writes `yaml` as a config file and runs `sweep launch` on it; returns the sweep id. */
  async launchConfig(name: string, yaml: string): Promise<string> {
    const file = path.join(this.dir, `${this.prefix}-${name}.yaml`);
    await writeFile(file, yaml);
    const launch = await runSweep(["launch", file], this.env);
    if (launch.code !== 0) throw new Error(`sweep launch failed (${launch.code}): ${launch.stderr}`);
    return launch.stdout.trim();
  }

  /** Waits until the recorder consumer has nothing pending or unacked (a redelivered batch included). */
  async waitForRecorderDrained(timeoutMs = 30_000): Promise<void> {
    const jsm = await retrying(async () => jetstreamManager(await this.nc()));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const info = await retrying(() => jsm.consumers.info(this.names.eventsStream, this.names.recorderConsumer));
      if (info.num_pending === 0 && info.num_ack_pending === 0) return;
      if (Date.now() > deadline) return;
      await sleep(200);
    }
  }

  /** Polls until every trial is terminal or `timeoutMs` passes; never throws on timeout. */
  async waitForTerminal(sweepId: string, timeoutMs = 60_000): Promise<TrialFigures[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = await this.trials(sweepId);
      if (rows.length > 0 && rows.every((row) => isTerminal(row.status))) return rows;
      if (Date.now() > deadline) return rows;
      await sleep(200);
    }
  }

  trials(sweepId: string): Promise<TrialFigures[]> {
    return this.database.query<TrialFigures>(sql`SELECT t.id, t.name, t.status, t.attempt, t.error, t.epochs_planned AS "epochsPlanned",
              count(e.epoch)::int AS "epochRows", count(DISTINCT e.epoch)::int AS "distinctEpochs"
       FROM trials t LEFT JOIN epochs e ON e.trial_id = t.id
       WHERE t.sweep_id = ${sweepId} GROUP BY t.id ORDER BY t.ordinal`);
  }

  /** Every event of the sweep in SWEEP_EVENTS, in stream order. */
  events(sweepId: string): Promise<TrialEvent[]> {
    return retrying(() => this.#events(sweepId));
  }

  async #events(sweepId: string): Promise<TrialEvent[]> {
    const nc = await this.nc();
    const jsm = await jetstreamManager(nc);
    const filter = this.names.eventSubject(sweepId, "*");
    const info = await jsm.streams.info(this.names.eventsStream, { subjects_filter: filter });
    const total = Object.values(info.state.subjects ?? {}).reduce((sum, n) => sum + n, 0);
    const events: TrialEvent[] = [];
    if (total === 0) return events;
    const consumer = await jetstream(nc).consumers.get(this.names.eventsStream, { filter_subjects: filter });
    const messages = await consumer.consume();
    for await (const msg of messages) {
      events.push(msg.json<TrialEvent>());
      if (events.length >= total) break;
    }
    return events;
  }

  /** The figures every fault prints: trials, terminal states, lost, duplicates, epochs redone. */
  async figures(sweepId: string): Promise<SweepFigures> {
    await this.waitForRecorderDrained();
    const trials = await this.trials(sweepId);
    const events = await this.events(sweepId);
    const epochEvents = events.filter((event) => event.type === "epoch").length;
    const epochRows = trials.reduce((sum, trial) => sum + trial.epochRows, 0);
    const rows = await this.database.query<{ trial_id: string; epoch: number }>(
      sql`SELECT e.trial_id, e.epoch FROM epochs e JOIN trials t ON t.id = e.trial_id WHERE t.sweep_id = ${sweepId}`,
    );
    const recorded = new Set(rows.map((row) => `${row.trial_id}:${row.epoch}`));
    const onWire = new Set(
      events.flatMap((event) => (event.type === "epoch" ? [`${event.trialId}:${event.metrics.epoch}`] : [])),
    );
    let epochsNotInStream = 0;
    let epochsNotRecorded = 0;
    for (const trial of trials.filter((t) => t.status === "completed")) {
      for (let epoch = 1; epoch <= trial.epochsPlanned; epoch++) {
        const key = `${trial.id}:${epoch}`;
        if (!onWire.has(key)) epochsNotInStream++;
        else if (!recorded.has(key)) epochsNotRecorded++;
      }
    }
    const terminal = trials.filter((trial) => isTerminal(trial.status));
    return {
      trials: trials.length,
      completed: trials.filter((trial) => trial.status === "completed").length,
      failed: trials.filter((trial) => trial.status === "failed").length,
      lost: trials.length - terminal.length,
      epochRows,
      duplicateEpochRows: trials.reduce((sum, trial) => sum + trial.epochRows - trial.distinctEpochs, 0),
      missingEpochRows: trials
        .filter((trial) => trial.status === "completed")
        .reduce((sum, trial) => sum + Math.max(0, trial.epochsPlanned - trial.epochRows), 0),
      epochsNotInStream,
      epochsNotRecorded,
      epochsTrained: epochEvents,
      epochsRedone: epochEvents - epochRows,
      startedEvents: events.filter((event) => event.type === "started").length,
      redeliveredTrials: new Set(
        events.filter((event) => event.type === "started" && event.attempt > 1).map((event) => event.trialId),
      ).size,
    };
  }

  /** For a failing assertion: each trial short of epoch rows, with the events the stream holds for it. */
  async explainMissing(sweepId: string): Promise<string> {
    const trials = await this.trials(sweepId);
    const events = await this.events(sweepId);
    const short = trials.filter((trial) => trial.status === "completed" && trial.epochRows < trial.epochsPlanned);
    const rows = await this.database.query<{ trial_id: string; epoch: number; attempt: number }>(
      sql`SELECT e.trial_id, e.epoch, e.attempt FROM epochs e JOIN trials t ON t.id = e.trial_id WHERE t.sweep_id = ${sweepId}`,
    );
    return short
      .map((trial) => {
        const wire = events
          .filter((event) => event.trialId === trial.id)
          .map((event) => `${event.type}${event.type === "epoch" ? event.metrics.epoch : ""}@${event.attempt}`);
        const stored = rows.filter((row) => row.trial_id === trial.id).map((row) => `${row.epoch}@${row.attempt}`);
        return `${trial.name} attempt ${trial.attempt}: stream [${wire.join(" ")}] rows [${stored.join(" ")}]`;
      })
      .join("\n");
  }

  async dispose(): Promise<void> {
    for (const child of this.processes) if (child.child.exitCode === null) child.child.kill("SIGKILL");
    await Promise.all(this.processes.map((child) => child.exited));
    await this.#nc?.close().catch(() => {});
    await this.database.close();
  }
}

export interface TrialFigures {
  id: string;
  name: string;
  status: string;
  attempt: number;
  error: string | null;
  epochsPlanned: number;
  epochRows: number;
  distinctEpochs: number;
}

export interface SweepFigures {
  trials: number;
  completed: number;
  failed: number;
  /** Trials not terminal when the test gave up waiting. */
  lost: number;
  epochRows: number;
  /** (trial, epoch) pairs stored more than once. */
  duplicateEpochRows: number;
  /** Epoch rows a completed trial lacks. */
  missingEpochRows: number;
  /** Epoch events in SWEEP_EVENTS, every attempt counted. */
  epochsTrained: number;
  /** Epochs of completed trials whose event never reached SWEEP_EVENTS (lost between worker and stream). */
  epochsNotInStream: number;
  /** Epochs whose event is in SWEEP_EVENTS but not in the database (lost by the recorder). */
  epochsNotRecorded: number;
  /** Epochs trained beyond the rows kept: work a fault cost. */
  epochsRedone: number;
  startedEvents: number;
  /** Trials with a started event of attempt 2 or later. */
  redeliveredTrials: number;
}

/** `N/M completed, lost L, duplicate epoch rows D, missing epoch rows X, epochs redone R`. */
export function describeFigures(f: SweepFigures): string {
  return `trials ${f.completed}/${f.trials} completed, lost ${f.lost}, duplicate epoch rows ${f.duplicateEpochRows}, missing epoch rows ${f.missingEpochRows}, epochs redone ${f.epochsRedone}`;
}
