import { type DecidedRung, isTerminal } from "@sweep/core";
import { median, type SweepTally } from "@sweep/dashboard-tui";
import {
  type Queryable,
  sweepChanges,
  sweepRungDecisions,
  type TrialTallyRow,
  trialRankingPage,
  trialRungDecisions,
} from "@sweep/store";

/** How often the ETA's median epoch duration is recomputed. */
const MEDIAN_EVERY_MS = 5_000;

/**
 * One sweep's aggregates as the dashboard keeps them between frames: the first read
 * takes every trial's few counted columns, each later one only the trials written since
 * (`sweepChanges`, the `change_xid` marker), and the counts move by their difference.
 */
export class SweepTallyReader {
  private since: number | undefined;
  private readonly trials = new Map<string, TrialTallyRow>();
  private readonly rungs = new Map<string, DecidedRung[]>();
  private readonly statusCounts: Record<string, number> = {};
  private epochsDone = 0;
  private epochsPlanned = 0;
  private tally: SweepTally | null = null;
  private median: { value: number | null; at: number } = { value: null, at: Number.NEGATIVE_INFINITY };

  constructor(
    private readonly sweepId: string,
    /** Read the trials' rung decisions too (a sweep with rungs). */
    private readonly withRungs: boolean,
  ) {}

  /** Reads what changed; returns the tally and the ids of the trials that changed (all, the first time). */
  async refresh(db: Queryable): Promise<{ tally: SweepTally; changed: Set<string> }> {
    const first = this.since === undefined;
    const changes = await sweepChanges(db, this.sweepId, this.since);
    this.since = changes.since;
    for (const row of changes.trials) this.count(row);
    const changed = new Set(changes.trials.map((row) => row.id));
    if (this.withRungs && changed.size > 0) await this.readRungs(db, first ? null : [...changed]);
    if (this.tally === null || changed.size > 0) this.tally = await this.tallied(db);
    return { tally: this.tally, changed };
  }

  private count(row: TrialTallyRow): void {
    const before = this.trials.get(row.id);
    if (before) this.add(before, -1);
    this.trials.set(row.id, row);
    this.add(row, 1);
  }

  private add(row: TrialTallyRow, sign: 1 | -1): void {
    this.statusCounts[row.status] = (this.statusCounts[row.status] ?? 0) + sign;
    this.epochsPlanned += sign * row.epochs_planned;
    const done = isTerminal(row.status) ? row.epochs_planned : Math.min(row.epochs_done, row.epochs_planned);
    this.epochsDone += sign * done;
  }

  /** Every decision of the sweep (`trialIds` null) or those of the changed trials. */
  private async readRungs(db: Queryable, trialIds: string[] | null): Promise<void> {
    const rows =
      trialIds === null ? await sweepRungDecisions(db, this.sweepId) : await trialRungDecisions(db, trialIds);
    for (const id of trialIds ?? []) this.rungs.delete(id);
    for (const { trialId, epoch, rung, action } of rows) {
      const list = this.rungs.get(trialId);
      if (list) list.push({ epoch, rung, action });
      else this.rungs.set(trialId, [{ epoch, rung, action }]);
    }
  }

  /** A trial's stored rung decisions, in epoch order. */
  rungsOf(trialId: string): DecidedRung[] {
    return this.rungs.get(trialId) ?? [];
  }

  /**
   * The median of the trials' mean epoch durations, the ETA's pace: recomputed at most
   * every `MEDIAN_EVERY_MS` (it walks every trial; the pace moves slowly).
   */
  private medianEpochMs(): number | null {
    const now = performance.now();
    if (now - this.median.at < MEDIAN_EVERY_MS) return this.median.value;
    const means: number[] = [];
    for (const row of this.trials.values()) if (row.mean_epoch_ms !== null) means.push(row.mean_epoch_ms);
    this.median = { value: median(means), at: now };
    return this.median.value;
  }

  private async tallied(db: Queryable): Promise<SweepTally> {
    const [best] = await trialRankingPage(db, this.sweepId, { limit: 1 });
    return {
      statusCounts: Object.fromEntries(Object.entries(this.statusCounts).filter(([, count]) => count > 0)),
      trials: this.trials.size,
      epochsDone: this.epochsDone,
      epochsPlanned: this.epochsPlanned,
      medianEpochMs: this.medianEpochMs(),
      best:
        best?.metric_value != null
          ? { name: best.trial_name, metric: best.metric_name, value: best.metric_value }
          : null,
      rungDecisions: [...this.rungs.values()].flat(),
    };
  }
}
