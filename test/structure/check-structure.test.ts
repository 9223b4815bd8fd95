import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const checker = path.resolve(import.meta.dirname, "../../infra/check-structure.mjs");
let root = "";

/** A throw-away repo of `files` (path → text) checked by the real script. */
async function check(files: Record<string, string>) {
  root = await mkdtemp(path.join(tmpdir(), "sweep-structure-"));
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  const run = spawnSync(process.execPath, [checker, root], { encoding: "utf8" });
  return { code: run.status, lines: run.stdout.split("\n").filter(Boolean) };
}

const body = (lines: number) => Array.from({ length: lines }, (_, i) => `  const v${i} = ${i};`).join("\n");

describe("infra/check-structure.mjs", () => {
  afterEach(() => rm(root, { recursive: true, force: true }));

  it("passes a tree that keeps the package graph and the size limits", async () => {
    const result = await check({
      "packages/core/src/index.ts": "export const one = 1;\n",
      "packages/store/src/index.ts": 'import { one } from "@sweep/core";\nexport const two = one + 1;\n',
      "packages/orchestrator/src/cli.ts": 'import { two } from "@sweep/store";\nimport { local } from "./local.js";\n',
      "packages/orchestrator/src/long.test.ts": `describe("x", () => {\n${body(300)}\n});\n`,
    });
    expect(result).toEqual({ code: 0, lines: [] });
  });

  it("fails with one line per violation: imports, a long file, a long function", async () => {
    const result = await check({
      "packages/core/src/index.ts": 'import { two } from "@sweep/store";\n',
      "packages/worker/src/a.ts":
        'import { b } from "../../store/src/b.js";\nimport { c } from "@sweep/protocol/dist/c.js";\n',
      "packages/worker/src/long.ts": `export function long(): void {\n${body(81)}\n}\n${body(130)}\n`,
      "test/cross.test.ts": 'import { x } from "../packages/worker/src/a.js";\n',
    });
    expect(result.code).toBe(1);
    expect(result.lines.sort()).toEqual([
      "packages/core/src/index.ts:1: forbidden import: core may not import @sweep/store",
      "packages/worker/src/a.ts:1: relative import leaves packages/worker: ../../store/src/b.js",
      "packages/worker/src/a.ts:2: imports another package's internals: @sweep/protocol/dist/c.js",
      "packages/worker/src/long.ts:1: file of 213 lines (max 200)",
      "packages/worker/src/long.ts:1: function of 83 lines (max 80)",
      "test/cross.test.ts:1: relative import of a package's files: ../packages/worker/src/a.js (import it by name)",
    ]);
  });

  it("fails with one line per import circle inside a package, type-only imports included", async () => {
    const result = await check({
      // a circle of two files, one side a type-only import
      "packages/worker/src/handler.ts": 'import { train } from "./attempt.js";\nexport interface Context {}\n',
      "packages/worker/src/attempt.ts": 'import type { Context } from "./handler.js";\nexport const train = 1;\n',
      // a ring of three files through an index, with a fourth file on a second ring of the same group
      "packages/core/src/a.ts": 'export { b } from "./b.js";\n',
      "packages/core/src/b.ts": '\nimport { c } from "./c/index.js";\n',
      "packages/core/src/c/index.ts": 'import { a } from "../a.js";\nimport { d } from "./d.js";\n',
      "packages/core/src/c/d.ts": 'const b = await import("../b.js");\n',
      // one way, and a thread's file named by URL: no circle
      "packages/worker/src/pool.ts":
        'import type { Task } from "./thread.js";\nconst file = new URL("./thread.js", import.meta.url);\n',
      "packages/worker/src/thread.ts": 'import { poolSize } from "./settings.js";\nexport type Task = 1;\n',
      "packages/worker/src/settings.ts": "export const poolSize = 1;\n// import { pool } from './pool.js';\n",
      "packages/worker/src/thread-file.ts": 'export const file = new URL("./pool.js", import.meta.url);\n',
    });
    expect(result.code).toBe(1);
    expect(result.lines.sort()).toEqual([
      "packages/core/src/a.ts:1: import circle in packages/core: src/a.ts → src/b.ts → src/c/index.ts → src/a.ts (and src/c/d.ts, in the same circle)",
      "packages/worker/src/attempt.ts:1: import circle in packages/worker: src/attempt.ts → src/handler.ts → src/attempt.ts",
    ]);
  });
});
