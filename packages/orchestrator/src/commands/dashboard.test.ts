import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase, resolveDatabaseTarget, sql } from "@sweep/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedSweep } from "../../bench/seed-sweep.js";
import { syntheticTrialRows } from "../../bench/synthetic-sweep.js";
import { SWEEP_BIN } from "../../test/helpers.js";
import { privateTerminal } from "../../test/tmux.js";

const { tmux, until, screen, close: closeTerminal } = privateTerminal(`sweep-dashboard-test-${process.pid}`);
const SWEEP = { sweepId: "dash-pty-1", sweepName: "pty-variants" };

/** Trial names of the ranking rows on screen, top to bottom. */
function rankingOnScreen(screen: string): string[] {
  return [...screen.matchAll(/^[› ] (?:\d+|—) +(variant-\d+)/gm)].map((m) => m[1]);
}

describe("sweep dashboard in a terminal", () => {
  let dir = "";
  let expectedOrder: string[] = [];
  let expectedOverfit: Array<{ name: string; overfit_epoch: number | null }> = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "sweep-dashboard-pty-"));
    const db = await openDatabase(resolveDatabaseTarget({ db: path.join(dir, "db") }));
    try {
      await seedSweep(db, {
        ...SWEEP,
        trials: syntheticTrialRows({ trials: 8, epochs: 6, running: 1, queued: 1, seed: 7 }),
        workers: [
          // Stamped two minutes ahead so it stays fresh however slowly the CLI starts on a busy machine.
          { id: "w-fresh", host: "fresh-host", threads: 2, backend: "wasm", imagesPerS: 230, silentForMs: -120_000 },
          { id: "w-stale", host: "stale-host", threads: 1, backend: "cpu", imagesPerS: 2, silentForMs: 600_000 },
        ],
      });
      const ranked = await db.query<{
        name: string;
        overfit_epoch: number | null;
      }>(sql`SELECT t.name, t.overfit_epoch FROM trial_ranking r JOIN trials t ON t.id = r.trial_id
         WHERE r.sweep_id = ${SWEEP.sweepId} ORDER BY r.rank, t.ordinal`);
      expectedOrder = ranked.map((r) => r.name);
      expectedOverfit = ranked;
    } finally {
      await db.close();
    }
  });

  afterAll(async () => {
    await closeTerminal();
    await rm(dir, { recursive: true, force: true });
  });

  it("draws the first frame in trial_ranking order, answers keys, and exits 0 on q", async () => {
    const exitFile = path.join(dir, "exit-code");
    // CI=true as in a CI job: the dashboard must still draw live frames on a terminal.
    const command = `CI=true node ${SWEEP_BIN} dashboard --db ${path.join(dir, "db")} --interval 200; echo $? > ${exitFile}`;
    tmux("new-session", "-d", "-x", "160", "-y", "50", "-s", "dash", command);

    const frame = await until("the first frame", () => {
      const text = screen();
      return rankingOnScreen(text).length === 8 ? text : undefined;
    });
    expect(frame).toContain("pty-variants");
    expect(frame).toMatch(/stale-host .*STALE/);
    expect(frame).not.toMatch(/fresh-host .*STALE/);
    expect(rankingOnScreen(frame).slice(0, expectedOrder.length)).toEqual(expectedOrder);
    for (const { name, overfit_epoch } of expectedOverfit) {
      const row = frame.split("\n").find((line) => line.includes(name)) ?? "";
      if (overfit_epoch === null) expect(row).not.toContain("⚠");
      else expect(row).toContain(`⚠ e${overfit_epoch}`);
    }

    tmux("send-keys", "-t", "dash", "Enter");
    await until("the detail pane", () => (screen().includes("output shape") ? true : undefined));

    tmux("send-keys", "-t", "dash", "q");
    const code = await until("the dashboard to exit", async () => {
      const text = await readFile(exitFile, "utf8").catch(() => "");
      return text.trim() === "" ? undefined : text.trim();
    });
    expect(code).toBe("0");
  }, 180_000);
});
