import { sql } from "@sweep/store";
import { describe, expect, it } from "vitest";
import {
  type AdaptiveShape,
  adaptiveFigures,
  adaptiveYaml,
  describeAdaptiveFigures,
  expectSearchKept,
  waitForSweepCompleted,
} from "./support/adaptive-sweep.js";
import { useFaultEnvironment } from "./support/environment.js";
import { sleep } from "./support/servers.js";
import { type FaultPipeline, reportFigures, type SweepProcess, SYNTHETIC_TASK } from "./support/sweep.js";

// Rungs at epochs 1 and 3 of 9; 2 workers x 2 threads keep 4 proposals in flight.
const SHAPE: AdaptiveShape = { runCap: 12, epochs: 9, epochMs: 150, minIter: 1, eta: 3 };
/** How long an order may take from its decision to the trial's cancel flag before a completed trial is a bug. */
const GRACE_MS = 500;
/** How long fault 16's serve is frozen (SIGSTOP) before its kill -9. */
const FROZEN_MS = 250;

describe("adaptive search in sweep serve: killed -9 (fault 16), two at once (fault 17)", () => {
  const env = useFaultEnvironment();

  async function pipeline(prefix: string): Promise<FaultPipeline> {
    const p = await env.pipeline(prefix, { ackWaitMs: 2000, maxDeliver: 5, heartbeatTtlMs: 3000 });
    await p.worker(SYNTHETIC_TASK, 2);
    await p.worker(SYNTHETIC_TASK, 2);
    return p;
  }

  async function proposed(p: FaultPipeline, sweepId: string): Promise<number> {
    const [row] = await p.database.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM trials WHERE sweep_id = ${sweepId}`,
    );
    return row?.n ?? 0;
  }

  it("fault 16: sweep serve frozen, killed -9 mid-way through a bayes + hyperband sweep and restarted", async () => {
    const started = Date.now();
    const p = await pipeline("f16");
    const serve = await p.serve();
    const sweepId = await p.launchConfig("adaptive-restart", adaptiveYaml("adaptive-restart", SHAPE));
    while ((await proposed(p, sweepId)) < SHAPE.runCap / 2 && Date.now() - started < 60_000) await sleep(50);
    // Frozen first, then killed: the events delivered to it meanwhile (the rung-1 epochs
    // of the trials just proposed) come back to its successor only after the recorder's
    // ack wait, behind those trials' later epochs (FROZEN_MS < the 2 epochs to rung 2).
    const from = new Date();
    serve.child.kill("SIGSTOP");
    await sleep(FROZEN_MS);
    serve.child.kill("SIGKILL");
    await serve.exited;
    await sleep(1000);
    await p.serve();
    const to = new Date();
    await waitForSweepCompleted(p, sweepId, SHAPE.runCap);
    const f = await adaptiveFigures(p, sweepId, SHAPE, { graceMs: GRACE_MS, serveDown: [{ from, to }] });
    reportFigures(
      `fault 16 sweep serve frozen ${FROZEN_MS} ms then killed -9 mid-way through a bayes + hyperband sweep, no serve for ${to.getTime() - from.getTime()} ms: ${describeAdaptiveFigures(f)}, wall time ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    expectSearchKept(f, SHAPE.runCap);
  });

  it("fault 17: two sweep serve at once on one database and NATS: every decision taken once", async () => {
    const started = Date.now();
    const p = await pipeline("f17");
    const serves: SweepProcess[] = [await p.serve(), await p.serve()];
    const sweepId = await p.launchConfig("adaptive-two-serves", adaptiveYaml("adaptive-two-serves", SHAPE));
    await waitForSweepCompleted(p, sweepId, SHAPE.runCap);
    const f = await adaptiveFigures(p, sweepId, SHAPE, { graceMs: GRACE_MS });
    const errors = serves.flatMap((serve) =>
      serve
        .output()
        .split("\n")
        .filter((line) => /failed|retrying|trying again/.test(line)),
    );
    reportFigures(
      `fault 17 two sweep serve at once on a bayes + hyperband sweep: ${describeAdaptiveFigures(f)}, recorder/reconcile error lines ${errors.length}, wall time ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    expectSearchKept(f, SHAPE.runCap);
    expect(errors).toEqual([]);
  });
});
