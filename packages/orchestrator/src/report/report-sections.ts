import type { TrialView } from "@sweep/dashboard-tui";

/**
 * The per-trial rule. Up to `SECTION_LIMIT` trials: one section per trial, in ranking
 * order. More: one section per variant, showing its best-ranked trial, for the
 * `SECTION_LIMIT` best variants (ranked by their best trial); the other variants are in
 * the ranking only. A variant is the config's named variant a trial belongs to when
 * the sweep has `variants`, else the model it trains (trials with the same layer stack).
 * 20 is also the number of colours the val_loss comparison tells apart.
 */
export const SECTION_LIMIT = 20;

export interface ReportSection {
  trial: TrialView;
  /** Set when sections are per variant: its name and how many trials it has. */
  variant?: { name: string; trials: number };
}

export interface SectionPlan {
  sections: ReportSection[];
  perVariant: boolean;
  /** Variants (or trials) left out of the sections. */
  omitted: number;
}

/** The sections of a report of `trials` (in ranking order); `variantOf` names a trial's variant. */
export function planSections(trials: readonly TrialView[], variantOf: (trial: TrialView) => string): SectionPlan {
  if (trials.length <= SECTION_LIMIT) {
    return { sections: trials.map((trial) => ({ trial })), perVariant: false, omitted: 0 };
  }
  const groups = new Map<string, TrialView[]>();
  for (const trial of trials) {
    const key = variantOf(trial);
    const group = groups.get(key);
    if (group) group.push(trial);
    else groups.set(key, [trial]);
  }
  const sections = [...groups].map(([name, members]) => ({
    trial: members[0] as TrialView,
    variant: { name, trials: members.length },
  }));
  return {
    sections: sections.slice(0, SECTION_LIMIT),
    perVariant: true,
    omitted: Math.max(0, sections.length - SECTION_LIMIT),
  };
}

/**
 * A trial's variant: the longest of `variantNames` its name starts with (followed by
 * a space or nothing), else `model: <the trial's layer stack>` from `layersOf`.
 */
export function variantNamer(
  variantNames: readonly string[],
  layersOf: (trial: TrialView) => string,
): (trial: TrialView) => string {
  const names = [...variantNames].sort((a, b) => b.length - a.length);
  return (trial) => {
    const named = names.find((name) => trial.name === name || trial.name.startsWith(`${name} `));
    return named ?? `model: ${layersOf(trial)}`;
  };
}
