import { describe, expect, it } from "vitest";
import { BEST_MARK, curveChart, LOSS_MARK, OVERFIT_MARK, VAL_LOSS_MARK } from "./curve-chart.js";

const curve = [0.2, 0.1, 0.05, 0.07, 0.09].map((valLoss, i) => ({
  epoch: i + 1,
  loss: 0.3 / (i + 1),
  valLoss,
  durationMs: 1000,
}));

describe("curveChart", () => {
  it("puts B under the best epoch and O under the first overfitting epoch", () => {
    const lines = curveChart(curve, { bestEpoch: 3, overfitEpoch: 4 }, 30, 6);
    const axis = lines.findIndex((line) => line.includes("└"));
    const origin = lines[axis].indexOf("└") + 1;
    const markers = lines[axis + 1];
    const plotWidth = lines[axis].length - origin;
    const columnOf = (epoch: number) => origin + Math.round(((epoch - 1) / 4) * (plotWidth - 1));
    expect(markers[columnOf(3)]).toBe(BEST_MARK);
    expect(markers[columnOf(4)]).toBe(OVERFIT_MARK);
    expect(markers.replace(/[BO]/g, "").trim()).toBe("");
    expect(lines[axis + 2].trim()).toMatch(/^1 +5$/);
  });

  it("draws the highest value on the top row and the lowest on the bottom row", () => {
    const lines = curveChart(curve, { bestEpoch: 3, overfitEpoch: null }, 30, 6);
    expect(lines[0]).toMatch(/^0\.3000 ┤○/);
    expect(lines[5]).toMatch(/^0\.0500 ┤/);
    expect(lines[5]).toContain(VAL_LOSS_MARK);
    expect(lines[3]).toMatch(new RegExp(`^ +│ +${LOSS_MARK}`));
    expect(lines.join("\n")).not.toContain(OVERFIT_MARK);
  });

  it("says so when no epoch has finished", () => {
    expect(curveChart([], { bestEpoch: null, overfitEpoch: null }, 30, 6)).toEqual(["no finished epoch yet"]);
  });
});
