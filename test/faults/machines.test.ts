import { existsSync } from "node:fs";
import { STALE_WORKER_AFTER_MS } from "@sweep/core";
import { listWorkers, liveWorkerThreads, sql } from "@sweep/store";
import { describe, expect, it } from "vitest";
import { until, useMachineWorld, workerId } from "./support/machine-world.js";
import { libfaketime } from "./support/machines.js";
import { namespaceSupport } from "./support/namespaces.js";
import { sleep } from "./support/servers.js";
import { describeFigures, reportFigures, SYNTHETIC_TASK } from "./support/sweep.js";

describe("faults across machines (network namespaces): lost machines, slow links, skewed clocks", () => {
  const world = useMachineWorld();

  it("fault 20: a machine vanishes mid-trial (processes killed, disk deleted): its trials resume elsewhere", async () => {
    if (world.skipped("fault 20 machine vanishes")) return;
    const epochs = 12;
    const p = await world.pipeline("f20", { ackWaitMs: 2000, maxDeliver: 5 });
    const [doomed, survivor] = [world.network.addMachine("w20a"), world.network.addMachine("w20b")];
    await p.serve(world.postgres.machine.place);
    const doomedId = workerId(await p.worker(SYNTHETIC_TASK, 2, doomed.place));
    await p.worker(SYNTHETIC_TASK, 2, survivor.place);
    const sweepId = await p.launch("vanish", Array(4).fill("synthetic:epoch_ms=250"), epochs);
    // Wait until the doomed machine's trials have recorded 2 epochs each (checkpoints exist).
    const held = async () =>
      p.database.query<{ id: string; n: number }>(
        sql`SELECT t.id, count(e.epoch)::int AS n FROM trials t LEFT JOIN epochs e ON e.trial_id = t.id
            WHERE t.sweep_id = ${sweepId} AND t.worker = ${doomedId} AND t.status = 'running' GROUP BY t.id`,
      );
    await until(async () => {
      const rows = await held();
      return rows.length > 0 && rows.every((row) => row.n >= 2);
    }, 60_000);
    const lost = await held();
    const killed = doomed.vanish();
    const vanishedAt = Date.now();
    const trials = await p.waitForTerminal(sweepId, 60_000);
    const doneMs = Date.now() - vanishedAt;
    const f = await p.figures(sweepId);
    const events = await p.events(sweepId);
    const resumed = lost.map((trial) => {
      const start = events.find((e) => e.type === "started" && e.trialId === trial.id && e.attempt > 1);
      return { rowsAtLoss: trial.n, from: start?.type === "started" ? start.resumeFromEpoch : -1 };
    });
    const fromScratch = resumed.filter((r) => r.from === 0 && r.rowsAtLoss > 0).length;
    reportFigures(
      `fault 20 machine with ${lost.length} running trials vanished (${killed} processes killed, its directory deleted): resumed on another machine from epochs ${resumed.map((r) => `${r.from} (had ${r.rowsAtLoss})`).join(", ")}, from scratch ${fromScratch}, all terminal ${doneMs} ms after the loss, ${describeFigures(f)}, trials redelivered ${f.redeliveredTrials}`,
    );
    expect(lost.length).toBeGreaterThan(0);
    expect(existsSync(doomed.dir)).toBe(false);
    for (const r of resumed) expect(r.from).toBeGreaterThanOrEqual(r.rowsAtLoss - 1);
    expect(fromScratch).toBe(0);
    expect(trials.map((t) => t.status)).toEqual(Array(4).fill("completed"));
    expect(f.lost).toBe(0);
    expect(f.duplicateEpochRows).toBe(0);
    expect(f.missingEpochRows).toBe(0);
  });

  /** Launch to the last trial terminal, in ms, of 12 trials x 5 epochs x 100 ms on 2 worker machines x 2 threads. */
  async function timedSweep(prefix: string, trouble: boolean) {
    const p = await world.pipeline(prefix, { ackWaitMs: 3000, maxDeliver: 5 });
    const machines = [world.network.addMachine(`${prefix}a`), world.network.addMachine(`${prefix}b`)];
    await p.serve(world.postgres.machine.place);
    for (const m of machines) await p.worker(SYNTHETIC_TASK, 2, m.place);
    if (trouble) for (const m of machines) await m.degrade({ delayMs: 200, jitterMs: 50, lossPct: 5 });
    const started = Date.now();
    const sweepId = await p.launch(prefix, Array(12).fill("synthetic:epoch_ms=100"), 5);
    await p.waitForTerminal(sweepId, 120_000);
    const ms = Date.now() - started;
    for (const m of machines) m.restore();
    return { ms, f: await p.figures(sweepId), p };
  }

  it("fault 21: a lossy, slow network (200 ms ± 50 ms, 5% loss) on every worker machine for a whole sweep", async () => {
    if (world.skipped("fault 21 lossy slow network")) return;
    if (namespaceSupport().delay === "none") {
      reportFigures(
        "fault 21 lossy slow network: skipped, no netem in the kernel and no iptables-legacy NFQUEUE with python3",
      );
      return;
    }
    const clean = await timedSweep("f21c", false);
    const slow = await timedSweep("f21s", true);
    const f = slow.f;
    reportFigures(
      `fault 21 every worker machine's link delayed 200 ms ± 50 ms with 5% loss (${namespaceSupport().delay}) for a whole sweep of 12 trials x 5 epochs: ${describeFigures(f)}, trials redelivered ${f.redeliveredTrials}, finished trials redelivered and acked untrained ${slow.p.finishedRedeliveries()}, wall time ${(slow.ms / 1000).toFixed(1)} s vs ${(clean.ms / 1000).toFixed(1)} s on a clean network (${(slow.ms / clean.ms).toFixed(1)}x; clean: ${describeFigures(clean.f)})`,
    );
    for (const run of [clean.f, f]) {
      expect(run.completed).toBe(12);
      expect(run.lost).toBe(0);
      expect(run.duplicateEpochRows).toBe(0);
      expect(run.missingEpochRows).toBe(0);
      expect(run.epochsNotRecorded).toBe(0);
    }
  });

  it("fault 24: worker machines' clocks 5 minutes ahead and behind: heartbeats and staleness judged right", async () => {
    if (world.skipped("fault 24 clock skew")) return;
    if (!libfaketime()) {
      reportFigures("fault 24 clock skew: skipped, libfaketime not installed (apt install faketime)");
      return;
    }
    const p = await world.pipeline("f24", { ackWaitMs: 2000, maxDeliver: 5 });
    const ahead = world.network.addMachine("w24ahead", { clock: "+5m" });
    const behind = world.network.addMachine("w24behind", { clock: "-5m" });
    await p.serve(world.postgres.machine.place);
    const aheadWorker = await p.worker(SYNTHETIC_TASK, 1, ahead.place);
    await p.worker(SYNTHETIC_TASK, 1, behind.place);
    const sweepId = await p.launch("skew", Array(4).fill("synthetic:epoch_ms=200"), 5);
    // Judged from here (the test's clock is right): both fresh while they run, over 3 copies.
    const fresh = async () => (await listWorkers(p.database)).filter((w) => !w.stale).length;
    await until(async () => (await fresh()) === 2, 20_000);
    const samples: number[] = [];
    for (let i = 0; i < 3; i++) {
      samples.push(await fresh());
      await sleep(2000);
    }
    const threadsBefore = await liveWorkerThreads(p.database, STALE_WORKER_AFTER_MS);
    const trials = await p.waitForTerminal(sweepId, 60_000);
    const killedAt = Date.now();
    aheadWorker.child.kill("SIGKILL");
    const aheadId = workerId(aheadWorker);
    const staleSeen = await until(
      async () => (await listWorkers(p.database)).find((w) => w.id === aheadId)?.stale === true,
      30_000,
    );
    const staleMs = Date.now() - killedAt;
    const threadsAfter = await liveWorkerThreads(p.database, STALE_WORKER_AFTER_MS);
    const f = await p.figures(sweepId);
    reportFigures(
      `fault 24 worker machines' clocks 5 min ahead and 5 min behind (faketime): fresh workers while both ran ${samples.join(", ")} of 2, live threads counted ${threadsBefore}; the one ahead killed -9: stale after ${staleSeen ? `${staleMs} ms` : "never (30 s)"} (rule: ${STALE_WORKER_AFTER_MS / 1000} s without a heartbeat), live threads then ${threadsAfter}; ${describeFigures(f)}`,
    );
    expect(samples).toEqual([2, 2, 2]);
    expect(threadsBefore).toBe(2);
    expect(staleSeen).toBe(true);
    expect(threadsAfter).toBe(1);
    expect(trials.map((t) => t.status)).toEqual(Array(4).fill("completed"));
    expect(f.lost).toBe(0);
  });
});
