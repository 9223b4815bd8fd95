import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Resvg } from "@resvg/resvg-js";
import type { TrialView } from "@sweep/dashboard-tui";
import { afterEach, describe, expect, it } from "vitest";
import { writeSweepPlots } from "./write-sweep-plots.js";

function trial(id: string, rank: number | null, valLosses: number[], overfitEpoch: number | null): TrialView {
  const best = Math.min(...valLosses);
  return {
    id,
    rank,
    name: id,
    params: { "model.pool.size": 4 },
    status: "completed",
    epochsDone: valLosses.length,
    epochsPlanned: valLosses.length,
    bestValLoss: valLosses.length ? best : null,
    bestEpoch: valLosses.length ? valLosses.indexOf(best) + 1 : null,
    overfitEpoch,
    lastValLoss: valLosses.at(-1) ?? null,
    valAccuracy: 0.99,
    testAccuracy: 0.9927,
    curve: valLosses.map((valLoss, i) => ({ epoch: i + 1, loss: 0.3 / (i + 1), valLoss, durationMs: 1000 })),
    model: [],
    rungs: [],
  };
}

const trials = [
  trial("model5", 1, [0.1, 0.06, 0.045, 0.04, 0.041, 0.043, 0.05], 6),
  trial("model3", 2, [0.11, 0.066, 0.05, 0.046, 0.044, 0.045, 0.047], null),
  trial("model1", null, [], null),
];

let outDir = "";
afterEach(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe("writeSweepPlots", () => {
  it("writes a learning curve per trial with epochs and one comparison chart, as SVG and PNG", async () => {
    outDir = await mkdtemp(path.join(tmpdir(), "sweep-plots-"));
    const plots = await writeSweepPlots({ sweepName: "mnist-variants", trials, outDir });
    expect(plots.learningCurves.map((f) => path.basename(f))).toEqual([
      "learning-curve-model5.svg",
      "learning-curve-model5.png",
      "learning-curve-model3.svg",
      "learning-curve-model3.png",
    ]);
    expect(plots.comparison.map((f) => path.basename(f))).toEqual([
      "val-loss-comparison.svg",
      "val-loss-comparison.png",
    ]);

    const curve = await readFile(plots.learningCurves[0], "utf8");
    expect(curve).toContain("best: epoch 4");
    expect(curve).toContain("overfit from epoch 6");
    expect(curve).toContain("val_loss");
    const undisturbed = await readFile(plots.learningCurves[2], "utf8");
    expect(undisturbed).toContain("best: epoch 5");
    expect(undisturbed).not.toContain("overfit from");
    const comparison = await readFile(plots.comparison[0], "utf8");
    expect(comparison).toContain("model5");
    expect(comparison).toContain("model3");
    expect(comparison).not.toContain("model1");

    const png = await readFile(plots.learningCurves[1]);
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    // The PNG's text is drawn with the shipped font: without any font the same SVG rasterises differently.
    const fontless = new Resvg(curve, {
      background: "white",
      fitTo: { mode: "zoom", value: 2 },
      font: { loadSystemFonts: false },
    })
      .render()
      .asPng();
    expect(Buffer.compare(png, fontless)).not.toBe(0);
  });

  it("writes only inside outDir whatever the trial ids read from the database", async () => {
    outDir = await mkdtemp(path.join(tmpdir(), "sweep-plots-"));
    const hostile = [trial("../../../escaped", 1, [0.1], null), trial("/tmp/x\u001b[2J", 2, [0.2], null)];
    const plots = await writeSweepPlots({ sweepName: "x", trials: hostile, outDir });
    for (const file of [...plots.learningCurves, ...plots.comparison]) expect(path.dirname(file)).toBe(outDir);
    expect(plots.learningCurves.map((f) => path.basename(f))).toEqual([
      "learning-curve-escaped.svg",
      "learning-curve-escaped.png",
      "learning-curve-tmp-x-2j.svg",
      "learning-curve-tmp-x-2j.png",
    ]);
  });
});
