import { describe, expect, it } from "vitest";
import { parseBackend, parseIntraOpThreads, parseStuckAfter, parseThreads } from "./training-options.js";

describe("--threads and --backend", () => {
  it("accepts a thread count from 1 to 256 and defaults to one per core", () => {
    expect(parseThreads("3")).toBe(3);
    expect(parseThreads(undefined)).toBeGreaterThanOrEqual(1);
  });

  it.each(["0", "1.5", "x", "257"])("refuses --threads %s naming the option, the rule and the value", (value) => {
    expect(() => parseThreads(value)).toThrow(`--threads must be an integer from 1 to 256, received "${value}"`);
  });

  it("accepts the four backends, node as an alias of tensorflow, and refuses anything else", () => {
    expect(["auto", "tensorflow", "wasm", "cpu", "node"].map(parseBackend)).toEqual([
      "auto",
      "tensorflow",
      "wasm",
      "cpu",
      "tensorflow",
    ]);
    expect(() => parseBackend("gpu")).toThrow(
      '--backend must be one of auto, tensorflow, wasm, cpu (node = tensorflow), received "gpu"',
    );
  });

  it("takes one intra-op thread per trial unless told otherwise", () => {
    expect(parseIntraOpThreads(undefined)).toBe(1);
    expect(parseIntraOpThreads("2")).toBe(2);
    expect(() => parseIntraOpThreads("0")).toThrow('--intra-op-threads must be an integer from 1 to 256, received "0"');
  });

  it("takes --stuck-after in seconds (default 60), from 1 to a day", () => {
    expect([undefined, "1", "2.5", "86400"].map(parseStuckAfter)).toEqual([60_000, 1_000, 2_500, 86_400_000]);
  });

  it.each(["0", "0.5", "-3", "x", "", "86401", "Infinity"])(
    "refuses --stuck-after %j naming the rule and the value",
    (value) => {
      expect(() => parseStuckAfter(value)).toThrow(
        `--stuck-after must be a number of seconds from 1 to 86400, received ${JSON.stringify(value)}`,
      );
    },
  );
});
