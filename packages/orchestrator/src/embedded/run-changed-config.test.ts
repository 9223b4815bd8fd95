import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSweep, SYNTHETIC_TASK } from "../../test/cli-processes.js";

const configText = (epochs: number) =>
  [
    "name: edited",
    "method: list",
    "model: { conv: [{ filters: 2 }], dense: [] }",
    `training: { epochs: ${epochs} }`,
    "variants:",
    '  - { name: v0, overrides: { dataset.source: "synthetic:epoch_ms=5" } }',
    "",
  ].join("\n");

describe("sweep run of a config edited since its sweep ran", () => {
  let dir: string;
  const env = { DATABASE_URL: "", NATS_URL: "" };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "sweep-run-edited-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("is refused in one line naming the sweep (exit 2); --new runs it as another sweep", async () => {
    const config = path.join(dir, "edited.yaml");
    const db = path.join(dir, ".sweep");
    const args = ["run", config, "--db", db, "--threads", "1", "--task", SYNTHETIC_TASK];
    await writeFile(config, configText(2));
    const first = await runSweep(args, env);
    expect(first.code, first.stderr).toBe(0);
    const sweepId = /sweep (edited-[0-9a-f]+);/.exec(first.stdout)?.[1];
    expect(sweepId).toBeDefined();
    // Finished trials leave no checkpoint files behind.
    expect(await readdir(path.join(db, "checkpoints")).catch(() => [])).toEqual([]);

    await writeFile(config, configText(3));
    const edited = await runSweep(args, env);
    expect(edited.code).toBe(2);
    expect(edited.stderr).toBe(
      `sweep: ${config}: sweep ${sweepId} (completed) was launched from an earlier version of this config (name "edited"); ` +
        `use --new to start another sweep of the changed config, or \`sweep resume ${sweepId}\` to finish the old one\n`,
    );

    const anew = await runSweep([...args, "--new"], env);
    expect(anew.code, anew.stderr).toBe(0);
    expect(anew.stdout).toMatch(/v0\s+completed/);
  });
});
