import { isUsageError } from "@sweep/core";
import { describe, expect, it } from "vitest";
import { parseIntervalMs } from "./interval-option.js";

describe("parseIntervalMs", () => {
  it("accepts whole milliseconds", () => {
    expect(parseIntervalMs("1000")).toBe(1000);
    expect(parseIntervalMs("50")).toBe(50);
  });

  it.each(["0", "49", "1.5", "fast", "60001"])("rejects %j naming --interval, the rule and the value", (text) => {
    let caught: unknown;
    try {
      parseIntervalMs(text);
    } catch (error) {
      caught = error;
    }
    expect(isUsageError(caught)).toBe(true);
    expect((caught as Error).message).toBe(
      `--interval must be a whole number of milliseconds from 50 to 60000, got ${JSON.stringify(text)}`,
    );
  });
});
