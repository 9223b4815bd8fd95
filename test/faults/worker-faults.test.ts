import { writeFile } from "node:fs/promises";
import path from "node:path";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { datasetSchema, type TrialSpec } from "@sweep/core";
import { loadConfigFile, planSweep, publishTrials } from "@sweep/orchestrator/testing";
import { createSweep } from "@sweep/store";
import { newSweepId, trialSpecs } from "@sweep/store/testing";
import { describe, expect, it } from "vitest";
import { useFaultEnvironment } from "./support/environment.js";
import { sleep } from "./support/servers.js";
import {
  describeFigures,
  reportFigures,
  runSweep,
  SYNTHETIC_TASK,
  sweepYaml,
  workersConsumerSettled,
} from "./support/sweep.js";

describe("worker faults: SIGTERM (12), poison (4), transient (5), double launch (6), bad messages (13), long trials (2)", () => {
  const env = useFaultEnvironment();
  const pipeline = env.pipeline;

  it("fault 12: SIGTERM during training hands the trial back at once (not after the ack wait) and exits 0", async () => {
    const ackWaitMs = 10_000;
    const p = await pipeline("f12", { ackWaitMs, maxDeliver: 5 });
    await p.serve();
    const stopping = await p.worker(SYNTHETIC_TASK, 1);
    // 8 s of training: on a loaded machine a 2 s trial could finish before the SIGTERM.
    const sweepId = await p.launch("sigterm", ["synthetic:epoch_ms=400"], 20);
    let trials = await p.trials(sweepId);
    for (let tries = 0; tries < 100 && trials[0]?.status !== "running"; tries++) {
      await sleep(100);
      trials = await p.trials(sweepId);
    }
    await p.worker(SYNTHETIC_TASK, 1);
    await sleep(300);
    const termAt = Date.now();
    stopping.child.kill("SIGTERM");
    const code = await stopping.exited;
    const exitMs = Date.now() - termAt;
    let handBackMs = Number.NaN;
    for (let tries = 0; tries < 300; tries++) {
      if ((await p.trials(sweepId))[0]?.attempt === 2) {
        handBackMs = Date.now() - termAt;
        break;
      }
      await sleep(50);
    }
    await p.waitForTerminal(sweepId);
    const f = await p.figures(sweepId);
    reportFigures(
      `fault 12 SIGTERM during training: exit code ${code} after ${exitMs} ms, trial running again at attempt 2 after ${handBackMs} ms (ack wait ${ackWaitMs} ms), ${describeFigures(f)}`,
    );
    expect(code).toBe(0);
    expect(handBackMs).toBeLessThan(ackWaitMs);
    expect(f.completed).toBe(1);
    expect(f.lost).toBe(0);
    expect(f.missingEpochRows).toBe(0);
  });

  it("fault 4: poison trials (deterministic failure, NaN loss) fail after one delivery with the reason; the rest complete", async () => {
    const p = await pipeline("f4", { ackWaitMs: 2000, maxDeliver: 3 });
    await p.serve();
    await p.worker(SYNTHETIC_TASK, 2);
    const ok = "synthetic:epoch_ms=20";
    const sweepId = await p.launch("poison", [ok, "synthetic:fail=deterministic", ok, "synthetic:fail=nan", ok, ok], 4);
    const trials = await p.waitForTerminal(sweepId);
    const nc = await p.nc();
    const consumer = await workersConsumerSettled(nc, p.names);
    const f = await p.figures(sweepId);
    const failed = trials.filter((trial) => trial.status === "failed");
    reportFigures(
      `fault 4 poison trials: ${failed.length} recorded failed at attempt ${failed.map((t) => t.attempt).join("+")} (${failed.map((t) => JSON.stringify(t.error)).join(", ")}), ${describeFigures(f)}, deliveries of all 6 messages ${f.startedEvents}, redelivered ${consumer.num_redelivered}`,
    );
    expect(failed.map((trial) => [trial.name, trial.attempt])).toEqual([
      ["v1", 1],
      ["v3", 1],
    ]);
    expect(failed[0]?.error).toContain("synthetic deterministic failure");
    expect(failed[1]?.error).toContain("loss is NaN");
    expect(f.completed).toBe(4);
    expect(f.startedEvents).toBe(6);
    expect(consumer.num_redelivered).toBe(0);
    expect(f.lost).toBe(0);
  });

  it("fault 5: a transient failure on every attempt is retried with backoff up to maxDeliver, then recorded failed", async () => {
    const maxDeliver = 3;
    const p = await pipeline("f5", { ackWaitMs: 2000, maxDeliver });
    await p.serve();
    await p.worker(SYNTHETIC_TASK, 2);
    const startedAt = Date.now();
    const sweepId = await p.launch("transient", ["synthetic:fail=transient", "synthetic:epoch_ms=20"], 3);
    const trials = await p.waitForTerminal(sweepId);
    const seconds = (Date.now() - startedAt) / 1000;
    const f = await p.figures(sweepId);
    const events = await p.events(sweepId);
    const failedTrial = trials.find((trial) => trial.name === "v0");
    const attempts = events.filter((e) => e.trialId === failedTrial?.id && e.type === "started").length;
    const failures = events.filter((e) => e.trialId === failedTrial?.id && e.type === "failed");
    reportFigures(
      `fault 5 transient failure every attempt: attempts ${attempts}/${maxDeliver}, recorded ${failedTrial?.status} at attempt ${failedTrial?.attempt} with ${JSON.stringify(failedTrial?.error)} after ${seconds.toFixed(1)} s (backoff 1 s, 2 s), failed events ${failures.length} (last retryable: ${failures.at(-1)?.type === "failed" && failures.at(-1)?.retryable}), ${describeFigures(f)}`,
    );
    expect(attempts).toBe(maxDeliver);
    expect(failedTrial?.status).toBe("failed");
    expect(failedTrial?.attempt).toBe(maxDeliver);
    expect(failedTrial?.error).toContain("synthetic transient failure");
    expect(failures.map((e) => e.type === "failed" && e.retryable)).toEqual([true, true, false]);
    expect(f.completed).toBe(1);
    expect(f.lost).toBe(0);
  });

  it("fault 6: the same sweep launched twice, and its messages published twice, queues each trial once", async () => {
    const p = await pipeline("f6", { ackWaitMs: 2000, maxDeliver: 3 });
    const N = 5;
    const sources = Array(N).fill("synthetic:epoch_ms=10");
    const first = await p.launch("twice", sources, 2);
    const second = await p.launch("twice", sources, 2);
    const jsm = await jetstreamManager(await p.nc());
    const afterLaunches = (await jsm.streams.info(p.names.trialsStream)).state.messages;
    // A launch that crashed after publishing and is retried re-publishes: the duplicate window drops it.
    // (Only id and sweepId matter for the message id; nothing consumes this prefix.)
    const rows = await p.trials(first);
    const specs = rows.map((row) => ({ id: row.id, sweepId: first }) as TrialSpec);
    const republished = await publishTrials(await p.nc(), p.names, specs);
    const afterRepublish = (await jsm.streams.info(p.names.trialsStream)).state.messages;
    const trials = (await p.trials(first)).length;

    // A launch that crashed after its database write, before publishing: the trials exist,
    // no message does. Launching again publishes nothing (the sweep exists); sweep resume does.
    const file = path.join(env.dir, "f6-crashed.yaml");
    await writeFile(file, sweepYaml("crashed-launch", sources, 2));
    const { sweep, trials: crashedSpecs } = planSweep((await loadConfigFile(file)).config);
    await createSweep(p.database, sweep, crashedSpecs);
    const messages = async () => (await jsm.streams.info(p.names.trialsStream)).state.messages - afterRepublish;
    const relaunch = await runSweep(["launch", file], p.env);
    const afterRelaunch = await messages();
    const resume = await runSweep(["resume", sweep.id], p.env);
    const afterResume = await messages();
    const resumeAgain = await runSweep(["resume", sweep.id], p.env);
    const afterResumeAgain = await messages();
    reportFigures(
      `fault 6 same sweep launched twice: sweep ids equal ${first === second}, trials ${trials}, stream messages ${afterLaunches}; re-published: ${republished.duplicates} duplicates dropped, stream messages ${afterRepublish}; crash after the DB write: relaunch queued ${afterRelaunch}, sweep resume queued ${afterResume} of ${crashedSpecs.length}, a second resume ${afterResumeAgain - afterResume} more`,
    );
    expect([relaunch.code, resume.code, resumeAgain.code], relaunch.stderr + resume.stderr).toEqual([0, 0, 0]);
    expect(afterResume).toBe(N);
    expect(afterResumeAgain).toBe(N);
    expect(second).toBe(first);
    expect(trials).toBe(N);
    expect(afterLaunches).toBe(N);
    expect(republished.duplicates).toBe(N);
    expect(afterRepublish).toBe(N);
  });

  it("fault 13: malformed and unknown-version trial messages are terminated and recorded; the worker keeps running", async () => {
    const p = await pipeline("f13", { ackWaitMs: 2000, maxDeliver: 3 });
    await p.serve();
    const worker = await p.worker(SYNTHETIC_TASK, 1);
    const sweepId = newSweepId();
    const trials = trialSpecs(sweepId, 3).map((trial) => ({
      ...trial,
      training: { ...trial.training, epochs: 2 },
      dataset: datasetSchema.parse({ source: "synthetic:epoch_ms=10" }),
    }));
    await createSweep(p.database, { id: sweepId, name: "bad-messages", config: {}, configHash: "h13" }, trials);
    const js = jetstream(await p.nc());
    const subject = p.names.trialSubject(sweepId);
    await js.publish(subject, "{ this is not json");
    await js.publish(subject, JSON.stringify({ v: 99, trial: trials[0] }));
    await js.publish(subject, JSON.stringify({ v: 1, trial: { id: trials[1]?.id, sweepId } }));
    await publishTrials(await p.nc(), p.names, [trials[2] as TrialSpec]);
    const rows = await p.waitForTerminal(sweepId, 30_000);
    const jsm = await jetstreamManager(await p.nc());
    const consumer = await workersConsumerSettled(await p.nc(), p.names);
    const left = (await jsm.streams.info(p.names.trialsStream)).state.messages;
    const rejected = (worker.output().match(/rejecting a trial message/g) ?? []).length;
    reportFigures(
      `fault 13 malformed/unknown-version messages: 3 bad messages settled (consumer pending ${consumer.num_pending}, unacked ${consumer.num_ack_pending}, redelivered ${consumer.num_redelivered}; terminated messages kept by the work-queue stream ${left}), deliveries rejected ${rejected}, recorded ${rows.map((r) => `${r.name}=${r.status}`).join(" ")}, worker still running ${worker.child.exitCode === null}`,
    );
    expect(consumer.num_pending + consumer.num_ack_pending).toBe(0);
    expect(rejected).toBe(3);
    expect(consumer.num_redelivered).toBe(0);
    expect(rows.map((row) => row.status)).toEqual(["failed", "failed", "completed"]);
    expect(rows[0]?.error).toContain("version must be 1, received 99");
    expect(rows[1]?.error).toContain("lacks");
    expect(worker.child.exitCode).toBe(null);
  });

  it("fault 2: a trial running 5x the ack wait is kept alive and never redelivered", async () => {
    const ackWaitMs = 1000;
    const p = await pipeline("f2", { ackWaitMs, maxDeliver: 3 });
    await p.serve();
    await p.worker(SYNTHETIC_TASK, 1);
    const startedAt = Date.now();
    const sweepId = await p.launch("long", ["synthetic:epoch_ms=500"], 10);
    const trials = await p.waitForTerminal(sweepId);
    const seconds = (Date.now() - startedAt) / 1000;
    const f = await p.figures(sweepId);
    const jsm = await jetstreamManager(await p.nc());
    const consumer = await jsm.consumers.info(p.names.trialsStream, p.names.workersConsumer);
    reportFigures(
      `fault 2 trial running ${(seconds / (ackWaitMs / 1000)).toFixed(1)}x the ack wait (${seconds.toFixed(1)} s, ack wait ${ackWaitMs} ms): redeliveries ${consumer.num_redelivered}, attempts ${trials[0]?.attempt}, started events ${f.startedEvents}, ${describeFigures(f)}`,
    );
    expect(seconds * 1000).toBeGreaterThan(5 * ackWaitMs);
    expect(consumer.num_redelivered).toBe(0);
    expect(f.startedEvents).toBe(1);
    expect(trials[0]?.attempt).toBe(1);
    expect(f.completed).toBe(1);
  });
});
