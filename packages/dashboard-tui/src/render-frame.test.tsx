import { describe, expect, it } from "vitest";
import { frameOf, hyperbandSnapshot, sampleSnapshot } from "../test/snapshots.js";
import { renderDashboardFrame } from "./render-frame.js";

/** The frame's line that holds `text`. */
function lineWith(frame: string, text: string): string {
  const line = frame.split("\n").find((l) => l.includes(text));
  expect(line, frame).toBeDefined();
  return line as string;
}

/** The rung cell of each trial's row: the text between its status and its epochs. */
function rungCells(frame: string): Record<string, string> {
  const cells: Record<string, string> = {};
  for (const line of frame.split("\n")) {
    const row = /\b(model\d)\b.*?\b(?:completed|running|pruned|queued)\s+(.*?)\s*\d+\/\d+ /.exec(line);
    if (row) cells[row[1] as string] = row[2] as string;
  }
  return cells;
}

describe("renderDashboardFrame", () => {
  it("draws a bayes + hyperband sweep's lines under the progress bars and a rung column", () => {
    const frame = renderDashboardFrame(frameOf(hyperbandSnapshot()), { columns: 160, rows: 50 });
    const lines = frame.split("\n");
    const bars = lines.findIndex((l) => /^trials \[/.test(l));
    expect(lines[bars + 1]).toBe("bayes: 5 of run_cap 12 proposed, 1 running, 3 finished");
    expect(lines[bars + 2]).toBe(
      "hyperband eta 3: r1 @ epoch 1: 4 reached, 1 pruned · r2 @ epoch 3: 2 reached, 0 pruned",
    );
    expect(lineWith(frame, "best val@ep")).toMatch(/status +rung +epoch /);
    expect(rungCells(frame)).toEqual({ model5: "", model3: "r2", model4: "", model2: "at r1", model1: "" });
  });

  it("has neither the lines nor the column for a sweep without a search", () => {
    const frame = renderDashboardFrame(frameOf(sampleSnapshot()), { columns: 160, rows: 50 });
    expect(frame).not.toMatch(/bayes|hyperband/);
    expect(lineWith(frame, "best val@ep")).toMatch(/status +epoch /);
    expect(lineWith(frame, "model4")).toMatch(/pruned +6\/6 /);
  });
});
