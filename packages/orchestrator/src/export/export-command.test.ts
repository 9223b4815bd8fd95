import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSweep } from "../../test/cli-processes.js";

describe("sweep export after a local sweep run", () => {
  let dir: string;
  let db: string;
  const env = { DATABASE_URL: "", NATS_URL: "" };
  const sweep = (...args: string[]) => runSweep([...args, "--db", db], env);
  const sql = async (statement: string) =>
    (await sweep("sql", statement, "--format", "csv")).stdout.trim().split("\n").slice(1);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "sweep-export-"));
    db = path.join(dir, ".sweep");
    const config = path.join(dir, "tiny.yaml");
    await writeFile(
      config,
      [
        "name: tiny export",
        "model: { conv: [{ filters: 2 }], dense: [] }",
        "parameters:",
        "  model.pool.size: { values: [2, 4] }",
        "  training.keep_weights: { values: [both, none] }",
        "training: { epochs: 2, batch_size: 64 }",
        "dataset: { source: mnist, train_limit: 192, test_limit: 64 }",
        "",
      ].join("\n"),
    );
    const run = await runSweep(["run", config, "--threads", "2", "--db", db], env);
    expect(run.code, run.stderr).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps what keep_weights asks under the store's models/ folder and records it", async () => {
    const kept = await sql(
      "SELECT t.params->>'training.keep_weights' AS keep, k.kind, k.stored, k.size_bytes FROM kept_weights k JOIN trials t ON t.id = k.trial_id ORDER BY t.ordinal, k.kind",
    );
    expect(kept).toHaveLength(4);
    expect(kept.every((row) => row.startsWith("both,") && row.includes(",true,"))).toBe(true);
    const files = await readdir(path.join(db, "models"));
    expect(files.sort()).toEqual(
      (await sql("SELECT trial_id || '.' || kind || '.weights' FROM kept_weights ORDER BY 1")).sort(),
    );
  });

  it("writes the sweep's best trial by val_loss as a Layers model with its card", async () => {
    const out = path.join(dir, "best");
    const exported = await sweep("export", "tiny export", "--out", out);
    expect(exported.code, exported.stderr).toBe(0);
    const [bestKept] = await sql(
      "SELECT r.trial_id, k.epoch FROM trial_ranking r JOIN kept_weights k ON k.trial_id = r.trial_id AND k.kind = 'best' ORDER BY r.rank LIMIT 1",
    );
    const [trialId, epoch] = (bestKept as string).split(",");
    expect(exported.stdout).toContain(`exported trial ${trialId} `);
    expect((await readdir(out)).sort()).toEqual(["group1-shard1of1.bin", "model.json", "sweep-model.json"]);
    const card = JSON.parse(await readFile(path.join(out, "sweep-model.json"), "utf8"));
    expect(card).toMatchObject({ trial: { id: trialId }, weights: { kind: "best", epoch: Number(epoch) } });
    const model = JSON.parse(await readFile(path.join(out, "model.json"), "utf8"));
    const layers = model.modelTopology.config.layers.map((layer: { class_name: string; config: { name: string } }) => [
      layer.class_name,
      layer.config.name,
    ]);
    expect(layers).toEqual([
      ["Conv2D", "conv2d_1"],
      ["MaxPooling2D", "max_pooling2d_1"],
      ["Dropout", "dropout_1"],
      ["Flatten", "flatten_1"],
      ["Dense", "dense_1"],
    ]);
  });

  it("refuses, in one line with exit 2 and writing nothing: a bad reference, a trial that kept nothing, a non-empty --out", async () => {
    const [noneTrial] = await sql("SELECT id FROM trials WHERE params->>'training.keep_weights' = 'none' LIMIT 1");
    const [bothTrial] = await sql("SELECT id FROM trials WHERE params->>'training.keep_weights' = 'both' LIMIT 1");
    const full = path.join(dir, "full");
    await mkdir(full);
    await writeFile(path.join(full, "keep.txt"), "mine");
    const cases: [string[], RegExp][] = [
      [["export", "no-such-sweep"], /^sweep: <trial \| sweep>: no sweep has the id or name "no-such-sweep"/],
      [["export", noneTrial as string], /^sweep: <trial \| sweep>: trial \S+ \(completed\) kept no best weights/],
      [["export", bothTrial as string, "--out", full], /^sweep: --out: exists and is not empty/],
      [["export", bothTrial as string, "--epoch", "first"], /^sweep: --epoch: must be best or last, got "first"/],
    ];
    const before = await readdir(dir);
    for (const [args, message] of cases) {
      const run = await sweep(...args, ...(args.includes("--out") ? [] : ["--out", path.join(dir, "never")]));
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
    }
    expect(await readdir(dir)).toEqual(before);
    expect(await readdir(full)).toEqual(["keep.txt"]);
  });
});
