import type { TrialView } from "@sweep/dashboard-tui";
import { describe, expect, it } from "vitest";
import { planSections, SECTION_LIMIT, variantNamer } from "./report-sections.js";

function trials(count: number, name = (i: number) => `trial-${i}`): TrialView[] {
  return Array.from({ length: count }, (_, i) => ({ id: `t${i}`, name: name(i), rank: i + 1 }) as TrialView);
}

describe("planSections", () => {
  it("gives every trial a section, in ranking order, up to the limit", () => {
    const plan = planSections(trials(SECTION_LIMIT), () => "same");
    expect(plan.perVariant).toBe(false);
    expect(plan.sections.map((s) => s.trial.id)).toEqual(trials(SECTION_LIMIT).map((t) => t.id));
    expect(plan.sections.every((s) => s.variant === undefined)).toBe(true);
  });

  it("over the limit, shows each variant once with its best-ranked trial", () => {
    const ranked = trials(SECTION_LIMIT + 1, (i) => `v${i % 3} lr=${i}`);
    const plan = planSections(ranked, (t) => t.name.split(" ")[0] as string);
    expect(plan.perVariant).toBe(true);
    expect(plan.sections.map((s) => [s.trial.id, s.variant])).toEqual([
      ["t0", { name: "v0", trials: 7 }],
      ["t1", { name: "v1", trials: 7 }],
      ["t2", { name: "v2", trials: 7 }],
    ]);
    expect(plan.omitted).toBe(0);
  });

  it("keeps the best variants only, and counts the ones it leaves to the ranking", () => {
    const plan = planSections(trials(500), (t) => t.name);
    expect(plan.sections).toHaveLength(SECTION_LIMIT);
    expect(plan.sections.at(-1)?.trial.id).toBe(`t${SECTION_LIMIT - 1}`);
    expect(plan.omitted).toBe(500 - SECTION_LIMIT);
  });
});

describe("variantNamer", () => {
  it("takes the longest named variant a trial's name starts with, else its model", () => {
    const variantOf = variantNamer(["model1", "model10"], (t) => `layers of ${t.id}`);
    const [a, b, c, d] = trials(4, (i) => ["model1 pool=2", "model10 pool=2", "model10", "model100"][i] as string);
    expect([a, b, c, d].map((t) => variantOf(t as TrialView))).toEqual([
      "model1",
      "model10",
      "model10",
      "model: layers of t3",
    ]);
  });
});
