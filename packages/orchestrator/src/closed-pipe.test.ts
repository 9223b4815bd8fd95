import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSweep, SWEEP_BIN } from "../test/cli-processes.js";

describe("a reader that stops early (sweep … | head)", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "sweep-pipe-"));
    expect((await runSweep(["db", "migrate", "--db", path.join(dir, ".sweep")])).code).toBe(0);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("ends the command quietly with exit 0 when its output pipe closes", async () => {
    // 200,000 rows are far more than a pipe holds: the command is still writing when the reader goes.
    const args = ["sql", "SELECT generate_series(1, 200000) AS n", "--limit", "200000"];
    const child = spawn(process.execPath, [SWEEP_BIN, ...args, "--db", path.join(dir, ".sweep")]);
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [first] = (await once(child.stdout, "data")) as [Buffer];
    child.stdout.destroy();
    const [code] = (await once(child, "exit")) as [number | null];
    expect(first.toString()).toMatch(/^\s*n\n/);
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });
});
