import { describe, expect, it } from "vitest";
import { runSweep } from "../../test/cli-processes.js";
import { natsReplicasOf } from "./nats-option.js";

describe("SWEEP_NATS_REPLICAS", () => {
  it("defaults to 1 and accepts 1 to 5", () => {
    expect(natsReplicasOf({})).toBe(1);
    expect(natsReplicasOf({ SWEEP_NATS_REPLICAS: "3" })).toBe(3);
  });

  it.each(["0", "2.5", "three", "6"])("refuses %s naming the variable, the rule and the value", (value) => {
    expect(() => natsReplicasOf({ SWEEP_NATS_REPLICAS: value })).toThrow(
      `SWEEP_NATS_REPLICAS must be an integer from 1 to 5, received "${value}"`,
    );
  });

  it("makes a command exit 2 with one line before it connects", async () => {
    const result = await runSweep(["worker", "--threads", "1"], {
      SWEEP_NATS_REPLICAS: "0",
      NATS_URL: "nats://127.0.0.1:1",
    });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain('SWEEP_NATS_REPLICAS must be an integer from 1 to 5, received "0"');
  });
});
