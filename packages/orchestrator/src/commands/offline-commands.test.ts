import { execFile } from "node:child_process";
import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/*
 * The service-free commands (plan, models, schema) run as the real built CLI in a
 * child process: exit codes, one-line errors, files written.
 */

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
const bin = path.join(repo, "packages/orchestrator/bin/sweep.js");
const study = path.join(repo, "examples/mnist-keras-study.yaml");
const quick = path.join(repo, "examples/mnist-quick.yaml");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function sweep(args: string[], cwd = repo): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd, env: { ...process.env, SWEEP_DEBUG: "" } },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

const dir = path.join(tmpdir(), `sweep-offline-${process.pid}`);
beforeAll(async () => {
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, "bad.yaml"), "name: x\nparameters:\n  model.pool.size: {values: []}\n");
  await writeFile(path.join(dir, "broken.yaml"), "name: [x\n");
  await writeFile(
    path.join(dir, "no-trial.yaml"),
    "name: x\nmethod: random\nrun_cap: 2\nparameters:\n  training.learning_rate: {min: 0.1, max: 1, distribution: q_uniform, q: 5e-324}\n",
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("malformed invocations exit 2 with one line and no stack", () => {
  const cases: Array<[string, () => string[], string | RegExp]> = [
    ["unknown command", () => ["bogus"], "sweep: unknown command 'bogus' (see sweep --help)"],
    ["plan without its config", () => ["plan"], "sweep: missing required argument 'config' (see sweep --help)"],
    [
      "plan on a missing file",
      () => ["plan", path.join(dir, "nope.yaml")],
      `sweep: ${path.join(dir, "nope.yaml")}: no such config file`,
    ],
    ["plan on a directory", () => ["plan", dir], `sweep: ${dir}: is a directory, not a config file`],
    ["plan with an unknown option", () => ["plan", quick, "--csv"], "sweep: unknown option '--csv' (see sweep --help)"],
    [
      "plan on an invalid config",
      () => ["plan", path.join(dir, "bad.yaml")],
      `sweep: ${path.join(dir, "bad.yaml")}: parameters.model.pool.size.values: must be a non-empty list, got []`,
    ],
    [
      "plan on a config with no trial to run",
      () => ["plan", path.join(dir, "no-trial.yaml")],
      `sweep: ${path.join(dir, "no-trial.yaml")}: parameters.training.learning_rate.q: q_uniform needs a q for which max / q and min / q are finite numbers of steps, got 5e-324`,
    ],
    [
      "plan on a YAML syntax error",
      () => ["plan", path.join(dir, "broken.yaml")],
      new RegExp(`^sweep: ${path.join(dir, "broken.yaml")}:\\d+:\\d+: YAML syntax error: `),
    ],
    [
      "models with a bad --scale",
      () => ["models", quick, "--scale", "abc"],
      `sweep: --scale: must be a number from 0.5 to 8, got "abc"`,
    ],
    [
      "models with --scale out of range",
      () => ["models", quick, "--scale", "100"],
      `sweep: --scale: must be a number from 0.5 to 8, got "100"`,
    ],
    [
      "models with an unknown trial",
      () => ["models", study, "--trial", "Model9", "--no-diagrams"],
      `sweep: --trial: no trial has this name, id or ordinal (trials: Model1, Model2, Model3, Model4, Model5, Model6), got "Model9"`,
    ],
    [
      "models with --out missing its value",
      () => ["models", study, "--out"],
      "sweep: option '--out <dir>' argument missing (see sweep --help)",
    ],
    [
      "schema with an extra argument",
      () => ["schema", "extra"],
      "sweep: too many arguments for 'schema'. Expected 0 arguments but got 1. (see sweep --help)",
    ],
    [
      "schema into a missing directory",
      () => ["schema", "--out", path.join(dir, "no/such/dir/schema.json")],
      `sweep: --out: cannot write (ENOENT), got "${path.join(dir, "no/such/dir/schema.json")}"`,
    ],
  ];

  it.concurrent.each(cases)("%s", async (_case, args, expected) => {
    const run = await sweep(args());
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    const lines = run.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(1);
    if (typeof expected === "string") expect(lines[0]).toBe(expected);
    else expect(lines[0]).toMatch(expected);
  });
});

describe("sweep plan", () => {
  it("lists the six reference trials with their parameter counts and totals", async () => {
    const run = await sweep(["plan", study]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^sweep MNIST Keras study \(mnist-keras-study-[0-9a-f]{8}\): list, ranked by val_loss/);
    expect(run.stdout).toMatch(/0 +Model1 +\(nothing\) +1,199,882 +24\.0M +20/);
    expect(run.stdout).toMatch(/3 +Model4 +pool=none +4,738,826/);
    expect(run.stdout).toContain("6 trials, 120 epochs, 8,595,964 params in all");
  });

  it("says which grid points collapsed into an earlier trial", async () => {
    const file = path.join(dir, "dup.yaml");
    await writeFile(file, "name: dup\nparameters:\n  model.pool.size: {values: [2, [2, 2], 4]}\n");
    const run = await sweep(["plan", file]);
    expect(run.stdout).toContain("2 trials, 40 epochs");
    expect(run.stdout).toMatch(
      /1 more point\(s\) resolved to an earlier trial and were dropped:\n {2}pool=2 = dup-[0-9a-f]{8}-t000\n$/,
    );
  });

  it("prints JSON with --json", async () => {
    const run = await sweep(["plan", quick, "--json"]);
    const plan = JSON.parse(run.stdout);
    expect(plan.trials).toHaveLength(8);
    expect(plan.totals.epochs).toBe(80);
    expect(plan.trials[0].id).toBe(`${plan.sweepId}-t000`);
    expect(plan.trials[0].trainImages).toBe(800);
  });
});

describe("sweep models", () => {
  it("prints the Keras summary and writes an SVG and a PNG per selected trial", async () => {
    const out = path.join(dir, "models");
    const run = await sweep(["models", study, "--trial", "Model5", "--out", out, "--scale", "1"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("max_pooling2d_1 (MaxPooling2D)  (None, 6, 6, 64)");
    expect(run.stdout).toContain("Total params: 315,146");
    const svgPath = path.join(out, "t004-model5.svg");
    const pngPath = path.join(out, "t004-model5.png");
    expect(run.stdout).toContain(`wrote ${svgPath}\nwrote ${pngPath}`);
    const svg = await readFile(svgPath, "utf8");
    expect(svg).toContain("max_pooling2d_1: MaxPooling2D");
    expect(svg).toContain("(None, 6, 6, 64)");
    const png = await readFile(pngPath);
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect((await stat(pngPath)).size).toBeGreaterThan(10_000);
  });
});

describe("sweep schema", () => {
  it("prints the config's JSON Schema and writes it with --out", async () => {
    const printed = await sweep(["schema"]);
    const schema = JSON.parse(printed.stdout);
    expect(schema.required).toEqual(["name"]);
    expect(schema.properties.method.enum).toEqual(["grid", "random", "list", "bayes"]);
    const out = path.join(dir, "schema.json");
    const written = await sweep(["schema", "--out", out]);
    expect(written.stdout).toBe(`wrote ${out}\n`);
    expect(JSON.parse(await readFile(out, "utf8"))).toEqual(schema);
  });

  it("matches docs/sweep.schema.json, which the examples point editors to (regenerate: sweep schema --out docs/sweep.schema.json)", async () => {
    const printed = JSON.parse((await sweep(["schema"])).stdout);
    expect(JSON.parse(await readFile(path.join(repo, "docs/sweep.schema.json"), "utf8"))).toEqual(printed);
  });
});
