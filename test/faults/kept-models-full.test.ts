import { decodeWeightsFile } from "@sweep/core";
import { openNatsModels } from "@sweep/protocol";
import { sql } from "@sweep/store";
import { describe, expect, it } from "vitest";
import { useFaultEnvironment } from "./support/environment.js";
import { reportFigures } from "./support/sweep.js";

/** Four small real trials, each keeping two files of about 14 KiB. */
const CONFIG = [
  "name: kept full",
  "model: { conv: [{ filters: 2 }], dense: [] }",
  "parameters: { training.seed: { values: [1, 2, 3, 4] } }",
  "training: { epochs: 2, batch_size: 64, keep_weights: both }",
  "dataset: { source: mnist, train_limit: 192, test_limit: 64 }",
  "",
].join("\n");

describe("fault 26: the kept-models bucket fills up mid-sweep", () => {
  const env = useFaultEnvironment();

  it("the sweep goes on, records which trials kept no weights, and corrupts nothing already kept", async () => {
    // Room for about two trials' files: the later puts are refused (the bucket discards nothing).
    const p = await env.pipeline("f19", { ackWaitMs: 5000, maxDeliver: 3, modelBucketBytes: 64 * 1024 });
    await p.serve();
    const worker = p.start(["worker", "--threads", "2", "--backend", "wasm"]);
    await worker.waitFor("backend wasm");
    const sweepId = await p.launchConfig("kept-full", CONFIG);
    const trials = await p.waitForTerminal(sweepId, 120_000);
    await p.waitForRecorderDrained();
    const rows = await p.database.query<{
      trial_id: string;
      kind: "best" | "last";
      epoch: number;
      size_bytes: number;
      stored: boolean;
      note: string | null;
    }>(
      sql`SELECT k.trial_id, k.kind, k.epoch, k.size_bytes::float8 AS size_bytes, k.stored, k.note
          FROM kept_weights k JOIN trials t ON t.id = k.trial_id WHERE t.sweep_id = ${sweepId} ORDER BY 1, 2`,
    );
    const models = await openNatsModels(await p.nc(), p.names);
    const stored = rows.filter((row) => row.stored);
    const refused = rows.filter((row) => !row.stored);
    let intact = 0;
    for (const row of stored) {
      const bytes = await models.load(row.trial_id, row.kind);
      const { header } = decodeWeightsFile(bytes as Uint8Array);
      if (bytes?.byteLength === row.size_bytes && header.trialId === row.trial_id && header.epoch === row.epoch)
        intact++;
    }
    reportFigures(
      `fault 26 kept-models bucket full (64 KiB, 4 trials x 2 files): trials ${trials.map((t) => t.status).join(", ")}; files stored ${stored.length}, refused ${refused.length} (${refused[0]?.note?.slice(0, 60)}); stored files intact ${intact}/${stored.length}`,
    );
    expect(trials.map((trial) => trial.status)).toEqual(["completed", "completed", "completed", "completed"]);
    expect(rows).toHaveLength(8);
    expect(stored.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    for (const row of refused) {
      expect(row.note).toMatch(/^not stored: .*maximum bytes exceeded/);
      expect(await models.load(row.trial_id, row.kind)).toBeUndefined();
    }
    expect(intact).toBe(stored.length);
  }, 180_000);
});
