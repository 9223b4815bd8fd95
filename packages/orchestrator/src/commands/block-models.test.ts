import { execFile } from "node:child_process";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/*
 * Block models through the real CLI: `sweep plan --json` param counts and
 * `sweep models` tables and diagrams carry Keras' numbers and layer names. The
 * numbers are Keras' by hand (TensorFlow is not importable here): Conv2D
 * kh·kw·cin·f + f, BatchNormalization 4·c (2·c trainable), Dense in·units + units.
 */

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
const bin = path.join(repo, "packages/orchestrator/bin/sweep.js");
const dir = path.join(tmpdir(), `sweep-blocks-${process.pid}`);

function sweep(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: dir, env: { ...process.env, SWEEP_DEBUG: "" } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const BLOCKS = `name: blocks
model:
  block: { conv: [{ filters: 32 }, { filters: 32 }], pool: { size: 2 }, batch_norm: before_activation }
  head: global_avg
  dense: []
parameters:
  model.depth: { values: [1, 2] }
  model.head: { values: [global_avg, global_max, flatten] }
`;

beforeAll(async () => {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "blocks.yaml"), BLOCKS);
  await writeFile(
    path.join(dir, "collapse.yaml"),
    "name: c\nmodel: {block: {conv: [{filters: 8}], pool: {}}, head: global_avg}\nparameters:\n  model.depth: {values: [3, 4]}\n",
  );
  // A CIFAR-10 folder of one training and one test record (a label byte and 32x32x3 pixels).
  await mkdir(path.join(dir, "cifar"), { recursive: true });
  await writeFile(path.join(dir, "cifar", "data_batch_1.bin"), Buffer.alloc(3073));
  await writeFile(path.join(dir, "cifar", "test_batch.bin"), Buffer.alloc(3073));
  await writeFile(
    path.join(dir, "cifar.yaml"),
    "name: c\ndataset: {source: cifar}\ntraining: {validation_split: 0.5}\n",
  );
  await writeFile(path.join(dir, "dense-bn.yaml"), "name: d\nmodel: {conv: [], pool: null, batch_norm: true}\n");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("block models in plan and models", () => {
  it("plan --json counts params as Keras' count_params()", async () => {
    const run = await sweep(["plan", "--json", "blocks.yaml"]);
    expect(run.stderr).toBe("");
    const plan = JSON.parse(run.stdout) as { trials: { name: string; paramCount: number }[] };
    // depth 1: conv 320 + BN 128 + conv 9,248 + BN 128; 12x12x32 → GAP/GMP 32 → Dense 10: 330
    //          flatten: 4,608 → Dense 10: 46,090
    // depth 2: + conv 18,496 + BN 256 + conv 36,928 + BN 256; 4x4x64 → 64 → Dense 10: 650
    //          flatten: 1,024 → Dense 10: 10,250
    expect(plan.trials.map((trial) => [trial.name, trial.paramCount])).toEqual([
      ["depth=1 head=global_avg", 10_154],
      ["depth=1 head=global_max", 10_154],
      ["depth=1 head=flatten", 55_914],
      ["depth=2 head=global_avg", 66_410],
      ["depth=2 head=global_max", 66_410],
      ["depth=2 head=flatten", 76_010],
    ]);
  });

  it("models prints Keras' summary with trainable and non-trainable params and draws the new layers", async () => {
    const run = await sweep(["models", "blocks.yaml", "--trial", "3", "--out", "diagrams"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/batch_normalization_4 \(BatchNormalization\) +\(None, 8, 8, 64\) +256\n/);
    expect(run.stdout).toMatch(/activation_4 \(Activation\) +\(None, 8, 8, 64\) +0\n/);
    expect(run.stdout).toMatch(/global_average_pooling2d_1 \(GlobalAveragePooling2D\) +\(None, 64\) +0\n/);
    expect(run.stdout).toContain("Total params: 66,410\nTrainable params: 66,026\nNon-trainable params: 384\n");
    const svgFile = (await readdir(path.join(dir, "diagrams"))).find((file) => file.endsWith(".svg")) as string;
    const svg = await readFile(path.join(dir, "diagrams", svgFile), "utf8");
    expect(svg).toContain("global_average_pooling2d_1: GlobalAveragePooling2D");
    expect(svg).toContain("batch_normalization_1: BatchNormalization");
  });

  it("a block that collapses the map is one line naming the path, exit 2; a global head on 1x1 is not", async () => {
    const run = await sweep(["plan", "collapse.yaml"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'sweep: collapse.yaml: parameters: trial "depth=4" collapses at conv2d_4 (model.block.conv[0], block 4 of 4): kernel 3x3 is bigger than its input 1x1x32, got {"model.depth":4}\n',
    );
  });

  it("data whose shape disagrees with input_shape is one line before any trial starts, exit 2", async () => {
    const run = await sweep(["plan", "cifar.yaml"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'sweep: cifar.yaml: model.input_shape: trial "base" takes 28x28 images with 1 channel, but the data set "cifar" holds 32x32 images with 3 channels, got [28,28,1]\n',
    );
  });

  it("batch normalization on a Dense-only model is one line naming the path, exit 2", async () => {
    const run = await sweep(["plan", "dense-bn.yaml"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'sweep: dense-bn.yaml: model.batch_norm: normalizes conv layers, but the model has none, got "before_activation"\n',
    );
  });
});
