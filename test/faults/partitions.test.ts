import path from "node:path";
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
import { startMachineCluster } from "./support/machine-servers.js";
import { until, useMachineWorld, workerId } from "./support/machine-world.js";
import type { Machine } from "./support/machines.js";
import { sleep } from "./support/servers.js";
import {
  describeFigures,
  type FaultPipeline,
  reportFigures,
  type SweepProcess,
  SYNTHETIC_TASK,
} from "./support/sweep.js";

interface Attempted {
  worker: string | null;
  attempt: number;
  epochRows: number;
  finishedAt: Date | null;
}

/** The sweep's first trial (ordinal 0): its worker, attempt, end and epoch rows. */
async function trialRow(p: FaultPipeline, sweepId: string): Promise<Attempted | undefined> {
  const [row] = await p.database.query<Attempted>(
    sql`SELECT t.worker, t.attempt, t.finished_at AS "finishedAt", count(e.epoch)::int AS "epochRows"
        FROM trials t LEFT JOIN epochs e ON e.trial_id = t.id WHERE t.sweep_id = ${sweepId}
        GROUP BY t.id ORDER BY t.ordinal LIMIT 1`,
  );
  return row;
}

/** Fault 23's adaptive sweep: bayes, run_cap 12, 9 epochs x 150 ms, hyperband rungs at epochs 1 and 3 (as fault 16). */
const SHAPE_23: AdaptiveShape = { runCap: 12, epochs: 9, epochMs: 150, minIter: 1, eta: 3 };
/** Shrunk from the issue's 60 s for the suite's budget: 7x the workers' ack wait, 5x the recorder's and the heartbeat TTL. */
const OUTAGE_23_MS = 15_000;

/** How long fault 25 cuts the worker off: 3x the ack wait, past the watchdog's 2 s and the stranded thread's 2 s. */
const CUT_25_MS = 6_000;

/** Fault 22's sweep: long enough (24 trials x 10 epochs x 100 ms) for a worker to move off the cut node and train. */
const TRIALS_22 = 24;

describe("faults across machines (network namespaces): partitions", () => {
  const world = useMachineWorld();

  it("fault 19: a worker partitioned from NATS mid-trial for longer than the ack wait, then healed", async () => {
    if (world.skipped("fault 19 worker partitioned from NATS")) return;
    const ackWaitMs = 2000;
    const partitionMs = 4 * ackWaitMs;
    const epochs = 16;
    const p = await world.pipeline("f19", { ackWaitMs, maxDeliver: 5 });
    const machines = [world.network.addMachine("w19a"), world.network.addMachine("w19b")];
    await p.serve(world.postgres.machine.place);
    const workers = await Promise.all(machines.map((m) => p.worker(SYNTHETIC_TASK, 1, m.place)));
    const sweepId = await p.launch("partitioned", ["synthetic:epoch_ms=300"], epochs);
    expect(await until(async () => ((await trialRow(p, sweepId))?.epochRows ?? 0) >= 3, 60_000)).toBe(true);
    const holder = (await trialRow(p, sweepId))?.worker;
    const index = workers.findIndex((w) => workerId(w) === holder);
    expect(index, `the trial's worker ${holder} is one of ours`).toBeGreaterThanOrEqual(0);
    const victim = machines[index] as Machine;
    const other = workers[1 - index] as SweepProcess;
    const rowsAtCut = (await trialRow(p, sweepId))?.epochRows ?? 0;
    world.network.partition(victim, world.natsMachine);
    const redelivered = await until(async () => ((await trialRow(p, sweepId))?.attempt ?? 0) >= 2, partitionMs);
    await sleep(Math.max(0, partitionMs - 100));
    world.network.heal(victim, world.natsMachine);
    const healedAt = Date.now();
    const [trial] = await p.waitForTerminal(sweepId, 60_000);
    const finished = await trialRow(p, sweepId);
    // The partitioned worker trained on; what it sent reaches NATS once TCP gets through.
    const victimId = holder as string;
    await until(async () => (await p.events(sweepId)).some((e) => e.attempt === 1 && e.type === "completed"), 15_000);
    await p.waitForRecorderDrained();
    const f = await p.figures(sweepId);
    const events = await p.events(sweepId);
    const secondStart = events.findIndex((e) => e.type === "started" && e.attempt === 2);
    const late = secondStart < 0 ? [] : events.slice(secondStart).filter((e) => e.attempt === 1);
    const lateKinds = [...new Set(late.map((e) => e.type))].join("+") || "none";
    const started = events.find((e) => e.type === "started" && e.attempt === 2);
    const resumeFrom = started?.type === "started" ? started.resumeFromEpoch : -1;
    const rows = await p.database.query<{ epoch: number; attempt: number }>(
      sql`SELECT e.epoch, e.attempt FROM epochs e JOIN trials t ON t.id = e.trial_id WHERE t.sweep_id = ${sweepId}`,
    );
    const staleRows = rows.filter((row) => row.attempt === 1 && row.epoch > resumeFrom).length;
    // Then it goes on taking work: the other worker stops, a new sweep needs it.
    other.child.kill("SIGTERM");
    await other.exited;
    const next = await p.launch("after-heal", ["synthetic:epoch_ms=100", "synthetic:epoch_ms=100"], 3);
    const after = await p.waitForTerminal(next, 60_000);
    const byVictim = await p.database.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM trials WHERE sweep_id = ${next} AND worker = ${victimId} AND status = 'completed'`,
    );
    const finishMs = finished?.finishedAt ? finished.finishedAt.getTime() - healedAt : Number.NaN;
    reportFigures(
      `fault 19 worker partitioned from NATS for ${partitionMs / 1000} s (ack wait ${ackWaitMs / 1000} s) after ${rowsAtCut} of ${epochs} epochs: redelivered during the partition ${redelivered}, finished elsewhere at attempt ${trial?.attempt} from epoch ${resumeFrom}, ${finishMs < 0 ? `${-finishMs} ms before healing` : `${finishMs} ms after healing`}; partitioned worker's late events in the stream after attempt 2 started ${late.length} (${lateKinds}), rows recorded from attempt 1 past the resume point ${staleRows}, ${describeFigures(f)}; after healing it completed ${byVictim[0]?.n}/${after.length} trials of a new sweep`,
    );
    expect(redelivered).toBe(true);
    expect(trial?.status).toBe("completed");
    expect(trial?.attempt).toBe(2);
    expect(finished?.worker).not.toBe(victimId);
    expect(resumeFrom).toBeGreaterThanOrEqual(rowsAtCut);
    expect(late.length, "the partitioned worker's events arrived late").toBeGreaterThan(0);
    expect(staleRows).toBe(0);
    expect(f.lost).toBe(0);
    expect(f.duplicateEpochRows).toBe(0);
    expect(f.missingEpochRows).toBe(0);
    expect(after.map((t) => t.status)).toEqual(["completed", "completed"]);
    expect(byVictim[0]?.n).toBe(2);
  });

  it("fault 22: a minority NATS node partitioned from the other two (R3 streams): nothing lost", async () => {
    if (world.skipped("fault 22 minority NATS node partitioned")) return;
    const started = Date.now();
    const nodes = ["n1", "n2", "n3"].map((name) => world.network.addMachine(`nats22${name}`));
    const cluster = await startMachineCluster(nodes);
    try {
      const url = cluster.map((node) => node.url).join(",");
      let p: FaultPipeline | undefined;
      // The cluster elects its JetStream meta leader a few seconds after the nodes are up.
      for (let tries = 0; !p; tries++) {
        p = await world
          .pipeline(`f22t${tries}`, { ackWaitMs: 2000, maxDeliver: 5, replicas: 3 }, url)
          .catch(async (error) => {
            if (tries > 60) throw error;
            await sleep(500);
            return undefined;
          });
      }
      const readyMs = Date.now() - started;
      const minority = nodes[2] as Machine;
      const [near, far] = [world.network.addMachine("w22near"), world.network.addMachine("w22far")];
      await p.serve(world.postgres.machine.place);
      // The near worker is given all three URLs (as docs/distributed.md says) but lands on
      // the minority node: the other two refuse it while it connects (a dropped connect
      // would cost nats.js' 20 s connect timeout).
      const [n1, n2] = nodes as [Machine, Machine];
      world.network.refuse(near, n1);
      world.network.refuse(near, n2);
      const nearWorker = await p.worker(SYNTHETIC_TASK, 2, near.place);
      world.network.accept(near, n1);
      world.network.accept(near, n2);
      await p.worker(SYNTHETIC_TASK, 2, far.place);
      const sweepId = await p.launch("minority", Array(TRIALS_22).fill("synthetic:epoch_ms=100"), 10);
      await sleep(1500);
      const cutAt = Date.now();
      world.network.partition(minority, n1);
      world.network.partition(minority, n2);
      const trials = await p.waitForTerminal(sweepId, 90_000);
      const doneMs = Date.now() - cutAt;
      const f = await p.figures(sweepId);
      const figuresMs = Date.now() - cutAt - doneMs;
      const nearId = workerId(nearWorker);
      const byNear = await p.database.query<{ n: number }>(
        sql`SELECT count(*)::int AS n FROM trials WHERE sweep_id = ${sweepId} AND worker = ${nearId} AND started_at > ${new Date(cutAt)}`,
      );
      const moved = nearWorker.output().match(/JetStream not reachable through .*/)?.[0] ?? "none";
      reportFigures(
        `fault 22 NATS node ${minority.name} (minority) partitioned from the other two mid-sweep, streams R3 (ready ${(readyMs / 1000).toFixed(1)} s after the nodes started), for the rest of the sweep: the worker connected to it moved (${moved}) and started ${byNear[0]?.n} trials after the cut, all terminal ${doneMs} ms after the cut (figures read in ${figuresMs} ms), ${describeFigures(f)}, trials redelivered ${f.redeliveredTrials}, finished trials redelivered and acked untrained ${p.finishedRedeliveries()}, epoch events lost before the stream ${f.epochsNotInStream}, lost by the recorder ${f.epochsNotRecorded}`,
      );
      expect(moved).not.toBe("none");
      // How many trials the moved worker started after the cut is printed, not asserted: the
      // other worker can finish the sweep before the move (0 in one CI run of 02cceef's code).
      expect(trials.map((t) => t.status)).toEqual(Array(TRIALS_22).fill("completed"));
      expect(f.lost).toBe(0);
      expect(f.duplicateEpochRows).toBe(0);
      expect(f.missingEpochRows, f.missingEpochRows ? await p.explainMissing(sweepId) : "").toBe(0);
      expect(f.epochsNotRecorded).toBe(0);
    } finally {
      // Throwaway stores: no graceful shutdown (a cut-off node would wait out its 10 s).
      await Promise.all(cluster.map((node) => node.server.kill9()));
    }
  });

  /**
   * Fault 23's sweep: bayes + hyperband as in fault 16, the serve on a machine of its own
   * cut off from `peer` (the database or NATS) for OUTAGE_23_MS once half the trials
   * are proposed, then healed.
   */
  async function serveCutOff(prefix: string, peer: "postgres" | "nats") {
    const started = Date.now();
    const p = await world.pipeline(prefix, { ackWaitMs: 2000, maxDeliver: 5, heartbeatTtlMs: 3000 });
    const ctl = world.network.addMachine(`ctl${prefix}`);
    for (const name of ["a", "b"])
      await p.worker(SYNTHETIC_TASK, 2, world.network.addMachine(`w${prefix}${name}`).place);
    const serve = await p.serve(ctl.place);
    const sweepId = await p.launchConfig(prefix, adaptiveYaml(prefix, SHAPE_23));
    const proposed = async () =>
      (await p.database.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM trials WHERE sweep_id = ${sweepId}`))[0]
        ?.n ?? 0;
    await until(async () => (await proposed()) >= SHAPE_23.runCap / 2, 60_000);
    const other = peer === "postgres" ? world.postgres.machine : world.natsMachine;
    const from = new Date();
    world.network.partition(ctl, other);
    await sleep(OUTAGE_23_MS);
    const proposedDuring = await proposed();
    world.network.heal(ctl, other);
    const to = new Date();
    await waitForSweepCompleted(p, sweepId, SHAPE_23.runCap, 120_000);
    const f = await adaptiveFigures(p, sweepId, SHAPE_23, { graceMs: 500, serveDown: [{ from, to }] });
    const afterHeal = await p.database.query<{ n: number; last: Date | null }>(
      sql`SELECT count(*)::int AS n, max(finished_at) AS last FROM trials WHERE sweep_id = ${sweepId} AND created_at > ${to}`,
    );
    const lastFinished = (
      await p.database.query<{ last: Date }>(
        sql`SELECT max(finished_at) AS last FROM trials WHERE sweep_id = ${sweepId}`,
      )
    )[0]?.last;
    const figures = await p.figures(sweepId);
    reportFigures(
      `fault ${prefix.slice(1)} sweep serve partitioned from ${peer === "postgres" ? "PostgreSQL" : "NATS"} for ${OUTAGE_23_MS / 1000} s mid-way through a bayes + hyperband sweep (proposed before ${proposedDuring}, after healing ${afterHeal[0]?.n}): ${describeAdaptiveFigures(f)}, epoch rows duplicated ${figures.duplicateEpochRows}, missing ${figures.missingEpochRows}, finished ${lastFinished ? lastFinished.getTime() - to.getTime() : Number.NaN} ms after healing, serve still running ${serve.child.exitCode === null}, wall time ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    expectSearchKept(f, SHAPE_23.runCap);
    expect(afterHeal[0]?.n, "proposals resumed after healing").toBeGreaterThan(0);
    expect(figures.duplicateEpochRows).toBe(0);
    expect(figures.missingEpochRows).toBe(0);
    expect(serve.child.exitCode).toBe(null);
  }

  it("fault 23a: sweep serve partitioned from PostgreSQL during a bayes + hyperband sweep", async () => {
    if (world.skipped("fault 23a sweep serve partitioned from PostgreSQL")) return;
    await serveCutOff("f23a", "postgres");
  });

  it("fault 23b: sweep serve partitioned from NATS during a bayes + hyperband sweep", async () => {
    if (world.skipped("fault 23b sweep serve partitioned from NATS")) return;
    await serveCutOff("f23b", "nats");
  });

  it("fault 25: a worker partitioned from NATS while one of its threads is stuck in native code", async () => {
    if (world.skipped("fault 25 partitioned worker with a stuck thread")) return;
    const p = await world.pipeline("f25", { ackWaitMs: 2000, maxDeliver: 8 });
    const [victim, helper] = [world.network.addMachine("w25a"), world.network.addMachine("w25b")];
    await p.serve(world.postgres.machine.place);
    // The victim's worker, started again whenever it exits (a supervisor's Restart=).
    const exits: Array<{ code: number | null; at: number }> = [];
    let supervising = true;
    let current: SweepProcess | undefined;
    const startVictim = () => {
      const worker = p.start(
        ["worker", "--threads", "1", "--backend", "cpu", "--task", SYNTHETIC_TASK, "--stuck-after", "2"],
        victim.place,
      );
      current = worker;
      void worker.exited.then((code) => {
        exits.push({ code, at: Date.now() });
        if (supervising) startVictim();
      });
      return worker;
    };
    await startVictim().waitFor("threads, backend cpu");
    const hang = path.join(world.dir, "f25-hang");
    const epoch = "synthetic:epoch_ms=200";
    const sweepId = await p.launch("stuck-cut", [`${epoch},hang=${hang},hang_epoch=3`, epoch, epoch, epoch], 6);
    expect(await until(async () => ((await trialRow(p, sweepId))?.epochRows ?? 0) >= 1, 60_000)).toBe(true);
    const cutAt = Date.now();
    world.network.partition(victim, world.natsMachine);
    await p.worker(SYNTHETIC_TASK, 2, helper.place);
    await sleep(CUT_25_MS);
    world.network.heal(victim, world.natsMachine);
    const healedAt = Date.now();
    const trials = await p.waitForTerminal(sweepId, 90_000);
    const f = await p.figures(sweepId);
    const events = await p.events(sweepId);
    const completions = events.filter((e) => e.type === "completed" && e.trialId === trials[0]?.id).length;
    const output = p.processes.map((process) => process.output()).join("\n");
    const stuckLines = output.match(/is stuck: training thread \d+ completed no batch/g)?.length ?? 0;
    // Then the restarted victim goes on taking work: the helper stops, a new sweep needs it.
    await until(async () => exits.length > 0, 60_000);
    await (current as SweepProcess).waitFor("threads, backend cpu");
    supervising = false;
    const helperWorker = p.processes.find((process) => process.output().includes("2 threads, backend cpu"));
    helperWorker?.child.kill("SIGTERM");
    await helperWorker?.exited;
    const victimId = workerId(current as SweepProcess);
    const next = await p.launch("after-stuck-cut", [epoch, epoch], 2);
    const after = await p.waitForTerminal(next, 60_000);
    const byVictim = await p.database.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM trials WHERE sweep_id = ${next} AND worker = ${victimId} AND status = 'completed'`,
    );
    const exitTimes = exits.map(
      (e) => `${e.code} ${e.at < healedAt ? `${e.at - cutAt} ms into the cut` : `${e.at - healedAt} ms after healing`}`,
    );
    reportFigures(
      `fault 25 worker cut from NATS for ${CUT_25_MS / 1000} s with its thread stuck in native code at epoch 3: stuck lines ${stuckLines}, worker exits ${exitTimes.join(", ") || "none"} (each restarted), the stuck trial ${trials[0]?.status} at attempt ${trials[0]?.attempt} (completed events ${completions}), ${describeFigures(f)}, trials redelivered ${f.redeliveredTrials}; the restarted worker then completed ${byVictim[0]?.n}/${after.length} trials of a new sweep`,
    );
    expect(stuckLines).toBeGreaterThanOrEqual(1);
    expect(exits.length).toBeGreaterThanOrEqual(1);
    expect(exits.every((e) => e.code === 1)).toBe(true);
    expect(trials.map((t) => t.status)).toEqual(Array(4).fill("completed"));
    expect(completions).toBe(1);
    expect(f.lost).toBe(0);
    expect(f.duplicateEpochRows).toBe(0);
    expect(f.missingEpochRows).toBe(0);
    expect(byVictim[0]?.n).toBe(2);
  });
});
