import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { openDatabase, resolveDatabaseTarget, type SweepDatabase, sql } from "@sweep/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedSweep } from "../bench/seed-sweep.js";
import { syntheticTrials } from "../bench/synthetic-sweep.js";
import { startLiveDashboard } from "./live-dashboard.js";

/** A stdout that is not a terminal, keeping what was written. */
function pipeStdout() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  return { lines, stdout: stream as unknown as NodeJS.WriteStream };
}

describe("startLiveDashboard without a terminal", () => {
  let dir = "";
  let db: SweepDatabase;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "sweep-live-dashboard-"));
    db = await openDatabase(resolveDatabaseTarget({ db: dir }));
    await seedSweep(db, {
      sweepId: "live-1",
      sweepName: "live-variants",
      trials: syntheticTrials({ trials: 5, epochs: 4, running: 1, queued: 1, seed: 9 }),
    });
  });

  afterAll(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("prints a plain progress line when progress changes, and stops on close()", async () => {
    const { lines, stdout } = pipeStdout();
    const live = startLiveDashboard(db, "live-1", { stdout, intervalMs: 50 });
    for (let i = 0; i < 100 && lines.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(lines[0]).toMatch(
      /^live-variants running: trials 3\/5, epochs 14\/20, best variant-\d+ val_loss 0\.\d{4} @\d+/,
    );

    await new Promise((r) => setTimeout(r, 200));
    expect(lines).toHaveLength(1);
    await db.query(sql`INSERT INTO epochs (trial_id, epoch, loss, accuracy, val_loss, val_accuracy, duration_ms, images_per_s, attempt)
       SELECT id, 3, 0.1, 0.9, 0.2, 0.9, 1000, 100, 1 FROM trials WHERE sweep_id = 'live-1' AND status = 'running'`);
    for (let i = 0; i < 100 && lines.length === 1; i++) await new Promise((r) => setTimeout(r, 20));
    expect(lines[1]).toContain("epochs 15/20");

    live.close();
    await live.waitUntilExit();
    const printed = lines.length;
    await new Promise((r) => setTimeout(r, 150));
    expect(lines).toHaveLength(printed);
  });
});
