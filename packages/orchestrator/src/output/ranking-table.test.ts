import type { TrialRankingRow } from "@sweep/store";
import { describe, expect, it } from "vitest";
import { rankingTable } from "./ranking-table.js";

function row(name: string, update: Partial<TrialRankingRow>): TrialRankingRow {
  return {
    sweep_id: "s",
    sweep_name: "s",
    rank: null,
    trial_id: `s-${name}`,
    ordinal: 0,
    trial_name: name,
    params: {},
    status: "queued",
    best_val_loss: null,
    best_epoch: null,
    overfit_epoch: null,
    last_epoch: null,
    last_val_loss: null,
    val_accuracy_at_best: null,
    test_loss: null,
    test_accuracy: null,
    param_count: null,
    backend: null,
    epochs_planned: 4,
    metric_name: "val_loss",
    metric_goal: "minimize",
    metric_value: null,
    ...update,
  };
}

describe("rankingTable", () => {
  it("shows the overfit epoch, 'none' when epochs show no overfitting, and nothing before the first epoch", () => {
    const table = rankingTable([
      row("overfitting", { rank: 1, status: "completed", best_val_loss: 0.05, best_epoch: 2, overfit_epoch: 3 }),
      row("steady", { rank: 2, status: "completed", best_val_loss: 0.07, best_epoch: 4 }),
      row("waiting", {}),
    ]);
    const line = (name: string) => table.split("\n").find((l) => l.includes(name)) ?? "";
    expect(table.split("\n")[0]).toMatch(/^rank\s+trial\s+status\s+best val_loss @ epoch\s+overfits from\s+epochs\b/);
    expect(line("overfitting")).toMatch(/0\.0500 @ 2\s+3\s+0\/4\b/);
    expect(line("steady")).toMatch(/0\.0700 @ 4\s+none\s+0\/4\b/);
    expect(line("waiting")).not.toMatch(/none/);
  });

  it("shows the sweep's metric after the status when it is not val_loss minimized", () => {
    const maximize = { metric_name: "val_accuracy", metric_goal: "maximize" } as const;
    const table = rankingTable([
      row("accurate", {
        ...maximize,
        rank: 1,
        status: "completed",
        best_val_loss: 0.09,
        best_epoch: 2,
        metric_value: 0.97,
      }),
      row("low-loss", {
        ...maximize,
        rank: 2,
        status: "completed",
        best_val_loss: 0.05,
        best_epoch: 2,
        metric_value: 0.95,
      }),
    ]);
    expect(table.split("\n")[0]).toMatch(/status\s+val_accuracy ↑\s+best val_loss/);
    expect(table).toMatch(/accurate\s+completed\s+0\.9700\s+0\.0900 @ 2/);
    expect(rankingTable([row("plain", { rank: 1, metric_value: 0.1 })])).not.toMatch(/↓|↑/);
  });
});
