import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeOutputDir, safeFileName, writeOutputFile } from "./output-files.js";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sweep-out-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("safeFileName: text from a config or the database as one file name", () => {
  const cases: Array<[string, string]> = [
    ["mnist-variants-1a2b3c4d-t000", "mnist-variants-1a2b3c4d-t000"],
    ["conv=2x[16,32] pool=2", "conv=2x-16-32-pool=2"],
    ["../../../tmp/escape", "tmp-escape"],
    ["/etc/passwd", "etc-passwd"],
    ["..", "trial"],
    ["a/../b", "a-.-b"],
    ["x\u001b[2J\ny", "x-2j-y"],
    ["", "trial"],
    ["Ünïcode ✓", "n-code"],
  ];
  it.each(cases)("%j → %j", (name, expected) => {
    const safe = safeFileName(name, "trial");
    expect(safe).toBe(expected);
    expect(safe).not.toMatch(/[/\\]|^\.+$/);
  });

  it("is at most 60 characters", () => {
    expect(safeFileName("x".repeat(10_000), "trial")).toHaveLength(60);
  });
});

describe("makeOutputDir and writeOutputFile", () => {
  it("creates missing parents and writes inside the directory", async () => {
    const out = path.join(dir, "a", "b");
    await makeOutputDir(out);
    const file = await writeOutputFile(out, `${safeFileName("../x", "f")}.svg`, "<svg/>");
    expect(path.dirname(file)).toBe(out);
    expect(await readdir(out)).toEqual(["x.svg"]);
  });

  it("refuses a name that would leave the directory", async () => {
    await expect(writeOutputFile(dir, "../escape.svg", "x")).rejects.toThrow(/refusing to write/);
  });

  const unusable: Array<[string, () => string]> = [
    ["under /proc", () => "/proc/sweep-out-test/x"],
    ["under a file", () => path.join(dir, "file", "x")],
    ["under /dev/null", () => "/dev/null/x"],
  ];
  // "At once": Node's recursive mkdir never returns for a path under /proc, so a test
  // that hangs fails at its timeout; no clock is read here.
  it.each(unusable)("an --out %s fails at once with a UsageError naming --out", async (_name, out) => {
    await writeFile(path.join(dir, "file"), "");
    const error = await makeOutputDir(out()).catch((e: Error) => e);
    expect(error).toMatchObject({
      name: "UsageError",
      message: expect.stringMatching(/^--out: cannot create the directory/),
    });
  });
});
