import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/*
 * Hostile configs against the real CLI. Every case is a config (or a path) that
 * must be refused before anything runs: exit 2, exactly one stderr line naming the
 * file, no stack trace, no raw control character, with the V8 heap capped at HEAP_MB
 * (a case that needs more crashes and fails) and killed if it runs CASE_TIME_MS.
 * Cases marked `run` also go through `sweep run` against an embedded store, which
 * must stay byte-for-byte unchanged.
 */

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const bin = path.join(repo, "packages/orchestrator/bin/sweep.js");
const HEAP_MB = 160;
/**
 * A case still running after this long is killed, and fails: only an input that makes
 * the CLI loop or expand without end gets there. A refusal takes about a second on a
 * quiet machine and a few with both cores busy (five cases run at once), so the bound
 * sits far above any honest run, and below the test's 60 s timeout.
 */
const CASE_TIME_MS = 45_000;

interface Run {
  code: number;
  stderr: string;
  /** Killed at CASE_TIME_MS. */
  killed: boolean;
}

/** `sweep <args>` in its own process in the scratch folder; `timeoutMs` 0: never killed. */
function sweep(args: string[], timeoutMs = CASE_TIME_MS): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [`--max-old-space-size=${HEAP_MB}`, bin, ...args],
      { cwd: dir, timeout: timeoutMs, env: { ...process.env, SWEEP_DEBUG: "", DATABASE_URL: "", NATS_URL: "" } },
      (error, _stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stderr, killed: error?.killed === true });
      },
    );
  });
}

/** C0/C1 controls, DEL, line separators, bidi overrides: what must never reach a terminal raw. */
function hasControlCharacter(text: string): boolean {
  return [...text].some((char) => {
    const code = char.codePointAt(0) as number;
    return code < 0x20 || (code >= 0x7f && code <= 0x9f) || (code >= 0x2028 && code <= 0x202e);
  });
}

let dir = "";
let store = "";
let storeBefore = "";

/** Every file under `root` with its content hash: equal text means an unchanged store. */
async function treeDigest(root: string): Promise<string> {
  const lines: string[] = [];
  const walk = async (folder: string) => {
    for (const entry of (await readdir(folder, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) await walk(full);
      else
        lines.push(
          `${path.relative(root, full)} ${createHash("sha256")
            .update(await readFile(full))
            .digest("hex")}`,
        );
    }
  };
  await walk(root);
  return lines.join("\n");
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "sweep-hostile-"));
  store = path.join(dir, "store");
  // Setting up is not under test: the hook's timeout bounds it.
  const migrate = await sweep(["db", "migrate", "--db", store], 0);
  expect(migrate.code, migrate.stderr).toBe(0);
  storeBefore = await treeDigest(store);
  await mkdir(path.join(dir, "empty-folder"));
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** One hostile input: the config text (or a path, when `path` is given), the message expected after `sweep: <file>: `. */
interface Case {
  name: string;
  yaml?: string | (() => string);
  path?: () => string;
  message: RegExp;
  /** Also refused by `sweep run` (against the embedded store). */
  run?: boolean;
  /** Options of `sweep run` (which `plan` does not take): the case is checked by `run` alone. */
  extraArgs?: string[];
}

/** The commands that check a case: `plan` for every config, `run` too when asked, `run` alone with its options. */
function commandsOf(c: Case): ReadonlyArray<"plan" | "run"> {
  if (c.extraArgs) return ["run"];
  return c.run ? ["plan", "run"] : ["plan"];
}

const nest = (depth: number) => `${"[".repeat(depth)}1${"]".repeat(depth)}`;
const aliasBomb = () => {
  const lines = ["name: x", "a: &a [x, x, x, x, x, x, x, x, x]"];
  for (let i = 0; i < 8; i++) {
    const prev = String.fromCharCode(97 + i);
    const next = String.fromCharCode(98 + i);
    lines.push(`${next}: &${next} [${Array(9).fill(`*${prev}`).join(", ")}]`);
  }
  return `${lines.join("\n")}\n`;
};

// biome-ignore format: one line per case
const cases: Case[] = [
  // YAML tricks
  { name: "alias bomb (billion laughs)", yaml: aliasBomb, message: /YAML aliases expand more than 50 times/ },
  { name: "one anchor aliased 60 times", yaml: () => `name: x\nd: &d [1]\nl: [${Array(60).fill("*d").join(", ")}]\n`, message: /YAML aliases expand more than 50 times/ },
  { name: "alias to an undefined anchor", yaml: "name: x\nmodel: *nope\n", message: /YAML not accepted: Unresolved alias .*: nope/ },
  { name: "anchor reused where a mapping belongs", yaml: "name: &n x\nmodel: *n\n", message: /model: must be a mapping, got "x"/ },
  { name: "merge key", yaml: "name: x\nb: &b {epochs: 1}\ntraining:\n  <<: *b\n", message: /^training.<<: unknown key, got \{"epochs":1\}$/ },
  { name: "tag !!js/function", yaml: "name: !!js/function 'function(){ return 1 }'\n", message: /YAML not accepted: Unresolved tag: .*js\/function/ },
  { name: "custom tag", yaml: "name: !evil x\n", message: /YAML not accepted: Unresolved tag: !evil/ },
  { name: "duplicate top-level key", yaml: "name: a\nname: b\n", message: /YAML syntax error: Map keys must be unique/ },
  { name: "two documents", yaml: "---\nname: a\n---\nname: b\n", message: /YAML syntax error: Source contains multiple documents/ },
  { name: "tab indentation", yaml: "name: x\ntraining:\n\tepochs: 1\n", message: /YAML syntax error/ },
  { name: "flow nested 40 deep", yaml: () => `name: x\nd: ${nest(40)}\n`, message: /d(\[0\])+: nests deeper than the limit of 32 levels/ },
  { name: "flow nested 5,000 deep", yaml: () => `name: x\nd: ${nest(5000)}\n`, message: /YAML syntax error: Maximum call stack size exceeded/ },
  { name: "block mappings nested 400 deep", yaml: () => `name: x\nmodel:\n${Array.from({ length: 400 }, (_, i) => `${"  ".repeat(i + 1)}k${i}:`).join("\n")}\n`, message: /^model(\.k\d+){31}: nests deeper than the limit of 32 levels$/ },
  { name: "empty file", yaml: "", message: /\(top level\): must be a mapping/ },
  { name: "top-level list", yaml: "- name: x\n", message: /\(top level\): must be a mapping/ },
  { name: "YAML 1.1 boolean", yaml: "name: x\ntraining: {shuffle: yes}\n", message: /training.shuffle: must be true or false, got "yes"/ },
  { name: "name is a number", yaml: "name: 123\n", message: /name: must be a string, got 123/ },
  // sizes
  { name: "one byte over 1 MB", yaml: () => `name: x\n#${"x".repeat(1024 * 1024 - 9)}\n`, message: /config file is 1,048,577 bytes/ },
  { name: "a 20 MB scalar", yaml: () => `name: x\ndescription: ${"a".repeat(20 * 1024 * 1024)}\n`, message: /config file is 20,971,5\d\d bytes/ },
  { name: "a 900 kB name", yaml: () => `name: ${"n".repeat(900_000)}\n`, message: /^name: must have at most 200 characters, got "n{20,}…$/ },
  { name: "a 100,000-character key", yaml: () => `name: x\nmodel: {${"k".repeat(100_000)}: 1}\n`, message: /^model.k{70,80}…: unknown key, got 1$/ },
  { name: "/dev/zero", path: () => "/dev/zero", message: /is not a regular file/ },
  { name: "a directory", path: () => dir, message: /is a directory, not a config file/ },
  { name: "a grid of 100,000 trials", yaml: `name: x\nparameters:\n${["training.seed", "training.epochs", "training.batch_size", "model.classes", "dataset.test_limit"].map((p) => `  ${p}: {values: [1,2,3,4,5,6,7,8,9,10]}`).join("\n")}\n`, message: /parameters: expands to 100000 trials, more than the limit of 10000/ },
  { name: "run_cap over the limit", yaml: "name: x\nrun_cap: 10001\n", message: /run_cap: must be ≤ 10000, got 10001/ },
  { name: "33 conv layers", yaml: `name: x\nmodel: {conv: [${Array(33).fill("{filters: 1, padding: same}").join(", ")}]}\n`, message: /model.conv: must have at most 32 items/ },
  { name: "17 dense layers", yaml: `name: x\nmodel: {dense: [${Array(17).fill(8).join(", ")}]}\n`, message: /model.dense: must have at most 16 items/ },
  { name: "4097 filters", yaml: "name: x\nmodel: {conv: [{filters: 4097}]}\n", message: /model.conv\[0\].filters: must be ≤ 4096, got 4097/ },
  { name: "13 billion parameters", yaml: "name: x\nmodel: {conv: [{filters: 4096, padding: same}], pool: null, dense: [4096]}\n", message: /parameters: trial "base" has 13,153,423,370 parameters, more than the limit of 50,000,000/ },
  // paths and keys
  { name: "__proto__ at the top", yaml: "__proto__: {name: x}\nname: y\n", message: /^__proto__: is not allowed as a key$/ },
  { name: "constructor at the top", yaml: "name: x\nconstructor: 1\n", message: /^constructor: unknown key, got 1$/ },
  { name: "toString at the top", yaml: "name: x\ntoString: 1\n", message: /^toString: unknown key, got 1$/ },
  { name: "__proto__ inside model", yaml: "name: x\nmodel: {__proto__: {classes: 2}}\n", message: /^model.__proto__: is not allowed as a key$/ },
  { name: "parameter path through __proto__", yaml: "name: x\nparameters:\n  model.__proto__.classes: {values: [2]}\n", message: /^parameters.model.__proto__.classes: names no field of the base model spec/ },
  { name: "parameter path through toString", yaml: "name: x\nparameters:\n  model.toString: {values: [1]}\n", message: /^parameters.model.toString: names no field/ },
  { name: "parameter path __proto__", yaml: "name: x\nparameters:\n  __proto__: {values: [1]}\n", message: /^parameters.__proto__: is not allowed as a key$/ },
  { name: "parameter path constructor", yaml: "name: x\nparameters:\n  constructor: {values: [1]}\n", message: /^parameters.constructor: must be a dotted path starting with model\., training\. or dataset\./ },
  { name: "parameter path into a list's prototype", yaml: "name: x\nparameters:\n  model.conv.length: {values: [1]}\n", message: /^parameters.model.conv.length: names no field/ },
  { name: "override path through __proto__", yaml: "name: x\nvariants: [{name: a, overrides: {model.__proto__: 1}}]\n", message: /^variants\[0\].overrides.model.__proto__: names no field/ },
  { name: "__proto__ inside a parameter value", yaml: "name: x\nparameters:\n  model.conv: {values: [[{__proto__: {filters: 1}}]]}\n", message: /^parameters.model.conv.values\[0\]\[0\].__proto__: is not allowed as a key$/ },
  { name: "index past the end of a list", yaml: "name: x\nparameters:\n  model.conv.999.filters: {values: [1]}\n", message: /index 999 is past the end of a base list of 2/ },
  { name: "key with a newline forging a line", yaml: 'name: x\nmodel: {"a\\nsweep: forged": 1}\n', message: /^model.a\\nsweep: forged: unknown key, got 1$/ },
  { name: "key with a terminal escape", yaml: 'name: x\nmodel: {"\\e[2J\\e[31mred": 1}\n', message: /^model.\\x1b\[2J\\x1b\[31mred: unknown key/ },
  { name: "key with a C1 CSI and bidi override", yaml: 'name: x\nmodel: {"\\x9b31m\\u202Eab": 1}\n', message: /^model.\\x9b31m\\u202eab: unknown key/ },
  { name: "NUL in the name", yaml: 'name: "a\\0b"\n', message: /^name: must not contain a NUL character$/, run: true },
  { name: "NUL in a key", yaml: 'name: x\nmodel: {"a\\0": 1}\n', message: /^model.a\\x00: key must not contain a NUL character$/ },
  { name: "duplicate variant names", yaml: "name: x\nvariants: [{name: __proto__}, {name: __proto__}]\n", message: /^variants\[1\].name: must be unique among variants, got "__proto__"$/ },
  // numbers
  { name: ".nan epochs", yaml: "name: x\ntraining: {epochs: .nan}\n", message: /training.epochs: must be a number, got NaN/ },
  { name: ".inf epochs", yaml: "name: x\ntraining: {epochs: .inf}\n", message: /training.epochs: must be a number, got Infinity/ },
  { name: "1e309 learning rate", yaml: "name: x\ntraining: {learning_rate: 1e309}\n", message: /training.learning_rate: must be a number, got Infinity/ },
  { name: "negative epochs", yaml: "name: x\ntraining: {epochs: -1}\n", message: /training.epochs: must be greater than 0, got -1/ },
  { name: "2^53 + 1 batch size", yaml: "name: x\ntraining: {batch_size: 9007199254740993}\n", message: /training.batch_size: must be ≤ / },
  { name: "1e20 seed", yaml: "name: x\nseed: 1e20\n", message: /^seed: must be ≤ / },
  { name: "hex epochs far too many", yaml: "name: x\ntraining: {epochs: 0xFFFFFF}\n", message: /training.epochs: must be ≤ 10000, got 16777215/ },
  { name: "octal zero filters", yaml: "name: x\nmodel: {conv: [{filters: 0o0}]}\n", message: /model.conv\[0\].filters: must be greater than 0, got 0/ },
  { name: "number with underscores", yaml: "name: x\ntraining: {epochs: 1_000}\n", message: /training.epochs: must be a number, got "1_000"/ },
  { name: "random min above max", yaml: "name: x\nmethod: random\nrun_cap: 2\nparameters:\n  training.learning_rate: {min: 1, max: 0.1}\n", message: /parameters.training.learning_rate.min: must be ≤ max/ },
  // shapes and data
  { name: "32x32x3 input on MNIST", yaml: "name: x\nmodel: {input_shape: [32, 32, 3]}\n", message: /^model.input_shape: trial "base" takes 32x32 images with 3 channels, but the data set "mnist" holds 28x28/, run: true },
  { name: "3 channels on MNIST", yaml: "name: x\nmodel: {input_shape: [28, 28, 3]}\n", message: /^model.input_shape: .*with 3 channels/ },
  { name: "a swept input shape MNIST cannot feed", yaml: "name: x\nparameters:\n  model.input_shape: {values: [[28, 28, 1], [56, 56, 1]]}\n", message: /^model.input_shape: trial "input_shape=\[56,56,1\]" takes 56x56/ },
  { name: "kernel bigger than the input", yaml: "name: x\nmodel: {conv: [{filters: 1, kernel: 29}]}\n", message: /collapses at conv2d_1: kernel 29x29 is bigger than its input 28x28x1/ },
  { name: "train_limit above MNIST", yaml: "name: x\ndataset: {train_limit: 60001}\n", message: /^dataset.train_limit: trial "base" asks for more training images than the 60000 the data set holds, got 60001$/, run: true },
  { name: "train_limit of one image", yaml: "name: x\ndataset: {train_limit: 1}\n", message: /^training.validation_split: trial "base" splits 1 training image into 0 to train and 1 to validate/, run: true },
  { name: "test_limit above MNIST", yaml: "name: x\ndataset: {test_limit: 10001}\n", message: /^dataset.test_limit: .*got 10001$/ },
  { name: "a swept train_limit above MNIST", yaml: "name: x\nparameters:\n  dataset.train_limit: {values: [100, 70000]}\n", message: /^dataset.train_limit: trial "train_limit=70000"/, run: true },
  { name: "a missing data folder", yaml: "name: x\ndataset: {source: /nonexistent/mnist}\n", message: /^dataset.source: must be "mnist" or a folder/, run: true },
  { name: "a folder without IDX files", yaml: () => `name: x\ndataset: {source: ${JSON.stringify(path.join(dir, "empty-folder"))}}\n`, message: /^dataset.source: folder .* must hold train-images-idx3-ubyte/ },
  { name: "NUL in the data source", yaml: 'name: x\ndataset: {source: "mnist\\0"}\n', message: /^dataset.source: must not contain a NUL character$/ },
  { name: "a --task that does not exist", yaml: "name: x\ntraining: {epochs: 1}\ndataset: {train_limit: 100}\n", message: /^--task: must be a task module file, got ".*nope\.mjs" \(no such file\)$/, run: true, extraArgs: ["--task", "/nonexistent/nope.mjs"] },
];

describe.concurrent("hostile configs are refused with one line, exit 2, nothing changed", () => {
  for (const [index, c] of cases.entries()) {
    for (const command of commandsOf(c)) {
      it(`${command}: ${c.name}`, async ({ expect }) => {
        expect.hasAssertions();
        let file: string;
        if (c.path) file = c.path();
        else {
          file = path.join(dir, `case-${index}.yaml`);
          const text = typeof c.yaml === "function" ? c.yaml() : (c.yaml ?? "");
          await writeFile(file, text);
        }
        const args = command === "run" ? ["run", file, "--db", store, ...(c.extraArgs ?? [])] : ["plan", file];
        const result = await sweep(args);
        expect(result.killed, `still running after ${CASE_TIME_MS} ms`).toBe(false);
        expect(result.code, result.stderr).toBe(2);
        expect(result.stderr.endsWith("\n"), result.stderr).toBe(true);
        const line = result.stderr.slice(0, -1);
        expect(line.includes("\n"), "exactly one line").toBe(false);
        expect(line).not.toMatch(/\n\s+at |node:internal|\.js:\d+:\d+/);
        expect(hasControlCharacter(line), "no raw control characters").toBe(false);
        expect(line.length).toBeLessThanOrEqual(1100);
        // `sweep: <file>: ` (`<file>:<line>:<col>: ` for YAML syntax), or `sweep: ` for an option.
        const prefix = c.extraArgs ? "sweep: " : `sweep: ${file}`;
        expect(line.startsWith(prefix), line).toBe(true);
        expect(line.slice(prefix.length).replace(/^(:\d+:\d+)?: /, "")).toMatch(c.message);
        if (command === "run") expect(await treeDigest(store)).toBe(storeBefore);
      });
    }
  }

  it("counts at least 60 configs", () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });
});

describe("bounded work that is not an error", () => {
  it("random search with a big run_cap over a two-point space plans at once", async () => {
    const file = path.join(dir, "tiny-space.yaml");
    await writeFile(
      file,
      "name: x\nmethod: random\nrun_cap: 10000\nparameters:\n  model.pool.size: {values: [2, 4]}\n",
    );
    const result = await sweep(["plan", file]);
    expect(result.killed, `still running after ${CASE_TIME_MS} ms`).toBe(false);
    expect(result.code, result.stderr).toBe(0);
  });

  it("an --out that cannot be created fails at once with one line", async () => {
    const file = path.join(dir, "ok.yaml");
    await writeFile(file, "name: x\n");
    const result = await sweep(["models", file, "--out", "/proc/sweep-hostile/out"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('sweep: --out: cannot create the directory (ENOENT), got "/proc/sweep-hostile/out"\n');
    expect((await stat(store)).isDirectory()).toBe(true);
  });
});
