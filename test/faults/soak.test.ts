import os from "node:os";
import { isTerminal } from "@sweep/core";
import { sql } from "@sweep/store";
import { describe, expect, it } from "vitest";
import { useFaultEnvironment } from "./support/environment.js";
import { sleep } from "./support/servers.js";
import { describeFigures, reportFigures, type SweepProcess, SYNTHETIC_TASK } from "./support/sweep.js";

const TRIALS = Number(process.env.SWEEP_SOAK_TRIALS ?? 200);
const EPOCHS = 5;
const WORKERS = 3;

describe("fault 15: soak, workers killed -9 at random and restarted", () => {
  const env = useFaultEnvironment();

  it(`${TRIALS} trials finish with nothing lost and nothing twice`, async () => {
    const ackWaitMs = 2000;
    const pipeline = await env.pipeline("f15", { ackWaitMs, maxDeliver: 20 });
    await pipeline.serve();
    const workers: SweepProcess[] = [];
    for (let i = 0; i < WORKERS; i++) workers.push(await pipeline.worker(SYNTHETIC_TASK, 2));
    const startedAt = Date.now();
    const sweepId = await pipeline.launch("soak", Array(TRIALS).fill("synthetic:epoch_ms=150"), EPOCHS);

    // Kill a random worker every 1.5-3 s; follow the trials it held until they run again.
    const redeliveryMs: number[] = [];
    const followers: Promise<void>[] = [];
    let kills = 0;
    const unfinished = async () => (await pipeline.trials(sweepId)).filter((trial) => !isTerminal(trial.status)).length;
    for (let round = 0; round < 60 && (await unfinished()) > 0; round++) {
      await sleep(1500 + Math.random() * 1500);
      if ((await unfinished()) === 0) break;
      const index = Math.floor(Math.random() * workers.length);
      const victim = workers[index] as SweepProcess;
      const workerId = `${os.hostname().replace(/[^A-Za-z0-9_-]/g, "-")}-${victim.child.pid}`;
      const held = await pipeline.database.query<{ id: string; attempt: number }>(
        sql`SELECT id, attempt FROM trials WHERE sweep_id = ${sweepId} AND worker = ${workerId} AND status = 'running'`,
      );
      const killedAt = Date.now();
      victim.child.kill("SIGKILL");
      await victim.exited;
      kills++;
      for (const trial of held) {
        followers.push(
          (async () => {
            for (let tries = 0; tries < 300; tries++) {
              const [row] = await pipeline.database.query<{ attempt: number; status: string; worker: string }>(
                sql`SELECT attempt, status, worker FROM trials WHERE id = ${trial.id}`,
              );
              if (row && row.attempt > trial.attempt) return void redeliveryMs.push(Date.now() - killedAt);
              // Finished before the kill (the row lagged): not a redelivery.
              if (row && isTerminal(row.status) && row.attempt === trial.attempt) return;
              await sleep(100);
            }
          })(),
        );
      }
      workers[index] = await pipeline.worker(SYNTHETIC_TASK, 2);
    }
    await pipeline.waitForTerminal(sweepId, 120_000);
    const minutes = (Date.now() - startedAt) / 60_000;
    await Promise.all(followers);
    const f = await pipeline.figures(sweepId);
    const sorted = [...redeliveryMs].sort((a, b) => a - b);
    const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)];
    reportFigures(
      `fault 15 soak: ${TRIALS} trials x ${EPOCHS} epochs, ${WORKERS} workers x 2 threads, ${kills} kill -9s: ${describeFigures(f)}, trials redelivered ${f.redeliveredTrials}, ${(f.trials / minutes).toFixed(0)} trials/min, kill to redelivery p95 ${p95} ms over ${sorted.length} trials (ack wait ${ackWaitMs} ms), epoch events lost before the stream ${f.epochsNotInStream}`,
    );
    expect(kills).toBeGreaterThan(0);
    expect(f.trials).toBe(TRIALS);
    expect(f.lost).toBe(0);
    expect(f.completed).toBe(TRIALS);
    expect(f.duplicateEpochRows).toBe(0);
    expect(f.missingEpochRows, await pipeline.explainMissing(sweepId)).toBe(0);
  });
});
