import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSweep, SWEEP_BIN, SYNTHETIC_TASK } from "../../test/cli-processes.js";
import { privateTerminal } from "../../test/tmux.js";

const env = { DATABASE_URL: "", NATS_URL: "" };
const EPOCHS = 200;
const { tmux, until, screen, close: closeTerminal } = privateTerminal(`sweep-attach-dashboard-${process.pid}`);

/** The epochs done that the ranking row of trial `name` shows (`running  12/200`), if it is on screen. */
function epochOnScreen(text: string, name: string): number | undefined {
  const row = text.match(new RegExp(`^[› ] (?:\\d+|—) +${name} .*? (\\d+)/${EPOCHS} `, "m"));
  return row ? Number(row[1]) : undefined;
}

/** The epoch a synthetic trial's checkpoint file holds (its first 4 bytes), or null without one. */
async function checkpointEpoch(db: string, trialId: string): Promise<number | null> {
  const bytes = await readFile(path.join(db, "checkpoints", `${encodeURIComponent(trialId)}.ckpt`)).catch(() => null);
  return bytes ? bytes.readUInt32BE(0) : null;
}

async function sqlRows<Row>(db: string, statement: string): Promise<Row[]> {
  const result = await runSweep(["sql", statement, "--db", db, "--format", "json", "--limit", "all"], env);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Row[];
}

describe("sweep dashboard attached to a running sweep run, in tmux (real processes)", () => {
  let dir = "";
  let db = "";
  let config = "";
  const exitCode = (name: string) =>
    readFile(path.join(dir, `${name}.exit`), "utf8").then(
      (t) => t.trim(),
      () => "",
    );
  const inWindow = (name: string, args: string) =>
    `env DATABASE_URL= NATS_URL= node ${SWEEP_BIN} ${args}; echo $? > ${path.join(dir, `${name}.exit`)}`;
  const runCommand = (name: string) => inWindow(name, `run ${config} --threads 3 --db ${db} --task ${SYNTHETIC_TASK}`);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "sweep-attach-dash-"));
    db = path.join(dir, ".sweep");
    config = path.join(dir, "attach.yaml");
    // Until the file `go` exists the long trials take 200 ms an epoch (40 s in all: the first
    // run is killed long before they end) and `held` waits before its first epoch, so it has
    // no checkpoint then; the second run starts after `go` is written: its epochs take no time.
    const go = path.join(dir, "go");
    await writeFile(
      config,
      [
        "name: attach dashboard",
        "method: list",
        "model: { conv: [{ filters: 2 }], dense: [] }",
        `training: { epochs: ${EPOCHS} }`,
        "variants:",
        `  - { name: long-a, overrides: { dataset.source: "synthetic:epoch_ms=200,slow_until=${go}", training.seed: 1 } }`,
        `  - { name: long-b, overrides: { dataset.source: "synthetic:epoch_ms=200,slow_until=${go}", training.seed: 2 } }`,
        `  - { name: held, overrides: { dataset.source: "synthetic:hold=${go}", training.epochs: 5 } }`,
        "",
      ].join("\n"),
    );
  });
  afterAll(async () => {
    await closeTerminal();
    await rm(dir, { recursive: true, force: true });
  });

  it("shows the run's frames move, sql answers meanwhile, and after kill -9 the next run resumes the sweep", async () => {
    tmux("new-session", "-d", "-x", "160", "-y", "50", "-s", "attach", "-n", "run", runCommand("run1"));
    tmux("set-option", "-g", "remain-on-exit", "on");
    // The run serves its store once it has opened it: then the socket is in the lock file.
    const lock = await until("the run's socket in the lock file", async () => {
      const owner = await readFile(path.join(db, "pgdata.lock"), "utf8").then(JSON.parse, () => undefined);
      return owner?.socket ? (owner as { pid: number; socket: string }) : undefined;
    });
    tmux("new-window", "-t", "attach", "-n", "dash", inWindow("dash", `dashboard --db ${db} --interval 200`));
    const first = await until("a dashboard frame with an epoch of long-a", () => {
      const shown = epochOnScreen(screen("attach:dash"), "long-a");
      return shown !== undefined && shown > 0 ? shown : undefined;
    });
    const answered = sqlRows<{ count: number | string }>(db, "select count(*) from epochs");
    const sweepId = screen("attach:dash").match(/attach-dashboard-[0-9a-f]{8}/)?.[0] as string;
    expect(sweepId, "the sweep id in the dashboard's header").toBeDefined();
    await until("long-a's epochs to move on in the dashboard", () => {
      const now = epochOnScreen(screen("attach:dash"), "long-a");
      return now !== undefined && now > first ? now : undefined;
    });
    expect(Number((await answered)[0].count)).toBeGreaterThan(0);
    expect(await exitCode("run1"), "the run ended before sql answered").toBe("");

    process.kill(lock.pid, "SIGKILL");
    expect(await until("the killed run's exit code", async () => (await exitCode("run1")) || undefined)).toBe("137");
    await until("the dashboard to say it lost the store", () =>
      screen("attach:dash").includes("disconnected:") ? true : undefined,
    );
    tmux("send-keys", "-t", "attach:dash", "q");
    expect(await until("the dashboard to exit", async () => (await exitCode("dash")) || undefined)).toBe("0");

    const trialIds = { "long-a": `${sweepId}-t000`, "long-b": `${sweepId}-t001`, held: `${sweepId}-t002` };
    const resumeFrom = {
      "long-a": await checkpointEpoch(db, trialIds["long-a"]),
      "long-b": await checkpointEpoch(db, trialIds["long-b"]),
    };
    expect(resumeFrom["long-a"], "long-a's checkpoint when killed").toBeGreaterThanOrEqual(first);
    expect(resumeFrom["long-b"], "long-b's checkpoint when killed").toBeGreaterThanOrEqual(1);
    expect(Math.max(resumeFrom["long-a"] ?? 0, resumeFrom["long-b"] ?? 0), "killed mid-way").toBeLessThan(EPOCHS);
    expect(await checkpointEpoch(db, trialIds.held)).toBeNull();

    await writeFile(path.join(dir, "go"), "");
    tmux("new-window", "-t", "attach", "-n", "run2", runCommand("run2"));
    const code = await until("the second run to end", async () => (await exitCode("run2")) || undefined, 90_000);
    expect(code, screen("attach:run2")).toBe("0");
    expect(existsSync(lock.socket), "the killed run's socket directory").toBe(false);

    const rows = await sqlRows<{
      sweeps: string;
      sweep: string;
      name: string;
      status: string;
      epoch: number;
      attempt: number;
    }>(
      db,
      "select (select count(*) from sweeps) as sweeps, s.id || ' ' || s.status as sweep, t.name, t.status, e.epoch, e.attempt " +
        "from sweeps s join trials t on t.sweep_id = s.id join epochs e on e.trial_id = t.id order by t.name, e.epoch",
    );
    expect(new Set(rows.map((row) => `${row.sweeps} sweep: ${row.sweep}`))).toEqual(
      new Set([`1 sweep: ${sweepId} completed`]),
    );
    const of = (name: string) => rows.filter((row) => row.name === name);
    for (const name of ["long-a", "long-b"] as const) {
      const epochs = of(name);
      const cut = resumeFrom[name] as number;
      expect(epochs.map((row) => row.epoch)).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1));
      expect(new Set(epochs.map((row) => row.status))).toEqual(new Set(["completed"]));
      // Epochs up to the checkpoint were kept from the first run; the rest trained after it, not from epoch 1.
      const before = new Set(epochs.filter((row) => row.epoch <= cut).map((row) => row.attempt));
      const after = new Set(epochs.filter((row) => row.epoch > cut).map((row) => row.attempt));
      expect(before.size, `${name}: one attempt up to epoch ${cut}`).toBe(1);
      expect(after.size, `${name}: one attempt after epoch ${cut}`).toBe(1);
      expect([...after][0], `${name}: epochs after ${cut} trained by the second run only`).toBeGreaterThan(
        [...before][0],
      );
    }
    expect(of("held").map((row) => `${row.epoch} ${row.status}`)).toEqual(
      Array.from({ length: 5 }, (_, i) => `${i + 1} completed`),
    );
  }, 150_000);
});
