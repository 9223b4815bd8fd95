import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SWEEP_BIN } from "../test/helpers.js";
import { loadConfigFile } from "./config-file.js";
import { planSweep } from "./nats/launch.js";

/*
 * A relative dataset.source is read from the config file's folder, whatever the
 * working directory: the data check of plan, run and launch, and what the trials carry
 * to the trainer (a local thread or a remote worker).
 */

let dir: string;
let sub: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sweep-source-"));
  sub = path.join(dir, "sub");
  // A CIFAR-10 folder of four training and two test records (a label byte and 32x32x3 pixels).
  await mkdir(path.join(sub, "cifar"), { recursive: true });
  await writeFile(path.join(sub, "cifar", "data_batch_1.bin"), Buffer.alloc(4 * 3073));
  await writeFile(path.join(sub, "cifar", "test_batch.bin"), Buffer.alloc(2 * 3073));
  await writeFile(
    path.join(sub, "x.yaml"),
    [
      "name: relative source",
      "model: { input_shape: [32, 32, 3], conv: [{ filters: 2 }], dense: [] }",
      "training: { epochs: 1, batch_size: 2, validation_split: 0.5 }",
      "dataset: { source: cifar }",
      "",
    ].join("\n"),
  );
  await writeFile(path.join(sub, "missing.yaml"), "name: m\ndataset: { source: ../nothing }\n");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function sweep(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env, SWEEP_DEBUG: "", DATABASE_URL: "", NATS_URL: "" };
    execFile(process.execPath, [SWEEP_BIN, ...args], { cwd, env }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("a relative dataset.source", () => {
  it("is resolved against the config file's folder everywhere it is written, and travels absolute", async () => {
    const file = path.join(sub, "all.yaml");
    await writeFile(
      file,
      [
        "name: all",
        "dataset: { source: data }",
        "parameters:",
        "  dataset.source: { values: [data, ../up, /abs/x, mnist, 'synthetic:epoch_ms=1'] }",
        "variants:",
        "  - { name: a, overrides: { dataset.source: ./other } }",
        "",
      ].join("\n"),
    );
    const { config, writtenSources } = await loadConfigFile(file);
    expect(config.dataset.source).toBe(path.join(sub, "data"));
    expect(config.parameters["dataset.source"]?.values).toEqual([
      path.join(sub, "data"),
      path.join(dir, "up"),
      "/abs/x",
      "mnist",
      "synthetic:epoch_ms=1",
    ]);
    expect(config.variants?.[0]?.overrides["dataset.source"]).toBe(path.join(sub, "other"));
    expect(writtenSources.get(path.join(dir, "up"))).toBe("../up");
    const { trials } = planSweep(config);
    expect(trials.map((trial) => trial.dataset.source)).toEqual(config.parameters["dataset.source"]?.values);
  });

  it("gives plan the same sweep and data from the folder above and from the config's own", async () => {
    const above = await sweep(["plan", "sub/x.yaml", "--json"], dir);
    expect(above.code, above.stderr).toBe(0);
    const inside = await sweep(["plan", "x.yaml", "--json"], sub);
    expect(inside.code, inside.stderr).toBe(0);
    const [a, b] = [JSON.parse(above.stdout), JSON.parse(inside.stdout)];
    expect(a.sweepId).toBe(b.sweepId);
    expect(a.trials[0].trainImages).toBe(2); // 4 images, half of them validate
    expect(b.trials[0].trainImages).toBe(2);
  });

  it("names the folder as written and as resolved when it is missing, for plan and run", async () => {
    for (const args of [["plan"], ["run", "--db", path.join(dir, "store")]]) {
      const run = await sweep([...args, "sub/missing.yaml"], dir);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(
        `sweep: sub/missing.yaml: dataset.source: must be "mnist" or a folder holding the four IDX files or CIFAR-10 binary batches, got "../nothing" (no such folder ${path.join(dir, "nothing")}, resolved against the config file's folder)\n`,
      );
    }
  });

  it("trains a run started from another folder on the config's data", async () => {
    const run = await sweep(["run", "sub/x.yaml", "--threads", "1", "--backend", "cpu", "--db", "store"], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/base\s+completed/);
  });
});
