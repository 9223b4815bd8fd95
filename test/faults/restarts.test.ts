import { describe, expect, it } from "vitest";
import { useFaultEnvironment } from "./support/environment.js";
import { sleep } from "./support/servers.js";
import { describeFigures, type FaultPipeline, reportFigures, SYNTHETIC_TASK } from "./support/sweep.js";

const TRIALS = 12;
const EPOCHS = 10;

describe("restarts: nats-server (fault 8) and sweep serve (fault 7)", () => {
  const env = useFaultEnvironment();

  async function pipeline(prefix: string): Promise<FaultPipeline> {
    return env.pipeline(prefix, { ackWaitMs: 2000, maxDeliver: 5, heartbeatTtlMs: 3000 });
  }

  it("fault 8: nats-server killed -9 mid-sweep and restarted on its file store: the sweep completes, nothing lost", async () => {
    const p = await pipeline("f8");
    await p.serve();
    await p.worker(SYNTHETIC_TASK);
    await p.worker(SYNTHETIC_TASK);
    const sweepId = await p.launch("nats-restart", Array(TRIALS).fill("synthetic:epoch_ms=100"), EPOCHS);
    await sleep(1500);
    const killedAt = Date.now();
    await env.nats.server.kill9();
    await sleep(2000);
    await env.nats.server.start();
    const downMs = Date.now() - killedAt;
    await p.waitForTerminal(sweepId, 90_000);
    const f = await p.figures(sweepId);
    reportFigures(
      `fault 8 nats-server killed -9 for ${(downMs / 1000).toFixed(1)} s and restarted: ${describeFigures(f)}, trials redelivered ${f.redeliveredTrials}, finished trials redelivered and acked untrained ${p.finishedRedeliveries()}, epoch events lost before the stream ${f.epochsNotInStream}, lost by the recorder ${f.epochsNotRecorded}`,
    );
    expect(f.trials).toBe(TRIALS);
    expect(f.lost).toBe(0);
    expect(f.completed).toBe(TRIALS);
    expect(f.duplicateEpochRows).toBe(0);
    expect(f.epochsNotRecorded, await p.explainMissing(sweepId)).toBe(0);
    // Progress events are plain publishes; after a disconnect the worker sends a trial's again.
    expect(f.missingEpochRows, await p.explainMissing(sweepId)).toBe(0);
  });

  it("fault 7: sweep serve killed -9 mid-sweep and restarted: every event recorded exactly once", async () => {
    const p = await pipeline("f7");
    const serve = await p.serve();
    await p.worker(SYNTHETIC_TASK);
    await p.worker(SYNTHETIC_TASK);
    const sweepId = await p.launch("serve-restart", Array(TRIALS).fill("synthetic:epoch_ms=100"), EPOCHS);
    await sleep(1500);
    serve.child.kill("SIGKILL");
    await serve.exited;
    await sleep(1000);
    await p.serve();
    const trials = await p.waitForTerminal(sweepId, 90_000);
    const f = await p.figures(sweepId);
    // Per trial on the wire: one started, EPOCHS epochs, one completed, all attempt 1.
    const eventsPerTrial = (f.startedEvents + f.epochsTrained + f.completed) / TRIALS;
    reportFigures(
      `fault 7 sweep serve killed -9 and restarted: ${describeFigures(f)}, attempts > 1: ${trials.filter((t) => t.attempt > 1).length}, events per trial ${eventsPerTrial} (expected ${EPOCHS + 2}), epoch rows ${f.epochRows}/${TRIALS * EPOCHS}`,
    );
    expect(f.lost).toBe(0);
    expect(f.completed).toBe(TRIALS);
    expect(f.duplicateEpochRows).toBe(0);
    expect(f.missingEpochRows, await p.explainMissing(sweepId)).toBe(0);
    expect(f.epochRows).toBe(TRIALS * EPOCHS);
    expect(trials.every((trial) => trial.attempt === 1)).toBe(true);
  });
});
