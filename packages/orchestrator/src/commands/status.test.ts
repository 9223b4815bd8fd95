import type { SweepDatabase } from "@sweep/store";
import { newSweepId, postgresFactory } from "@sweep/store/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedHyperbandSweep } from "../../test/hyperband-sweep.js";
import { describeStatus } from "./status.js";

describe("sweep status of a bayes + hyperband sweep (Postgres)", () => {
  const databases = postgresFactory();
  let db: SweepDatabase;
  const sweepId = newSweepId();

  beforeAll(async () => {
    db = await databases.open();
    await seedHyperbandSweep(db, sweepId);
  });
  afterAll(() => databases.dispose());

  it("prints the bayes line and the rungs as the stored decisions have them", async () => {
    const lines = (await describeStatus(db, sweepId)).split("\n");
    expect(lines).toContain("  search:   bayes: 7 of run_cap 12 proposed, 2 running, 4 finished");
    // 3 trials are pruned, one by the overfit rule: 1 at each rung. 6 trials recorded
    // epoch 1, 5 have a decision there: reached counts the decisions.
    expect(lines).toContain(
      "  search:   hyperband eta 3: r1 @ epoch 1: 5 reached, 1 pruned · r2 @ epoch 3: 3 reached, 1 pruned",
    );
    expect(lines.filter((line) => line.startsWith("  search:"))).toHaveLength(2);
  });
});
