import type { HyperbandRule } from "@sweep/core";
import { bayesMethod, gridMethod, randomMethod, type SearchOutcome, simulate } from "./simulate.js";

/**
 * `npm run bench:search`: grid, random, bayes, random + hyperband and bayes + hyperband
 * on the synthetic trainer (synthetic-curves.ts) over 10 seeds, 4 trials at a time.
 * Prints, per method, the median best final val_loss and epochs spent, then checks
 * the targets: bayes + hyperband within 1% of the grid's best with at most 25% of its
 * epochs (medians over the seeds), and bayes better than random at the same run_cap.
 * Exits 1 when a target is missed. RUN_CAP, HYPERBAND_RUN_CAP, MIN_ITER and ETA (env)
 * change the run caps (60, 75) and the hyperband rule (min_iter 4, eta 3).
 */

const SEEDS = Array.from({ length: 10 }, (_, i) => i + 1);
const RUN_CAP = Number(process.env.RUN_CAP ?? 60);
const HYPERBAND_RUN_CAP = Number(process.env.HYPERBAND_RUN_CAP ?? 75);
const HYPERBAND: HyperbandRule = {
  type: "hyperband",
  min_iter: Number(process.env.MIN_ITER ?? 4),
  eta: Number(process.env.ETA ?? 3),
};

const METHODS: Array<[string, (seed: number) => ReturnType<typeof gridMethod>]> = [
  ["grid", () => gridMethod()],
  [`random (run_cap ${RUN_CAP})`, (seed) => randomMethod(seed, RUN_CAP)],
  [`bayes (run_cap ${RUN_CAP})`, (seed) => bayesMethod(seed, RUN_CAP)],
  [`random + hyperband (run_cap ${HYPERBAND_RUN_CAP})`, (seed) => randomMethod(seed, HYPERBAND_RUN_CAP, HYPERBAND)],
  [`bayes + hyperband (run_cap ${HYPERBAND_RUN_CAP})`, (seed) => bayesMethod(seed, HYPERBAND_RUN_CAP, HYPERBAND)],
];

const median = (xs: readonly number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

const started = performance.now();
const results = METHODS.map(([name, make]) => ({
  name,
  runs: SEEDS.map((seed): SearchOutcome => simulate(make(seed), seed)),
}));
const grid = results[0]?.runs ?? [];
const gridEpochs = median(grid.map((run) => run.epochs));
// Per seed: a method's best relative to that seed's grid best (the noise is the seed's).
const relative = (runs: SearchOutcome[]) => runs.map((run, i) => run.best / (grid[i]?.best ?? 1) - 1);

const header = ["method", "trials", "epochs", "% of grid", "best val_loss", "vs grid best", "within 1%"];
const rows = results.map(({ name, runs }) => {
  const rel = relative(runs);
  return [
    name,
    String(median(runs.map((run) => run.trials))),
    String(median(runs.map((run) => run.epochs))),
    `${((100 * median(runs.map((run) => run.epochs))) / gridEpochs).toFixed(1)}%`,
    median(runs.map((run) => run.best)).toFixed(5),
    `${(100 * median(rel)) >= 0 ? "+" : ""}${(100 * median(rel)).toFixed(2)}%`,
    `${rel.filter((r) => r <= 0.01).length}/${runs.length}`,
  ];
});
const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] as string).length)));
const line = (cells: string[]) =>
  cells.map((cell, i) => (i === 0 ? cell.padEnd : cell.padStart).call(cell, widths[i] as number)).join("  ");
process.stdout.write(
  `search bench: ${SEEDS.length} seeds, medians; 4 trials at a time; hyperband min_iter ${HYPERBAND.min_iter}, eta ${HYPERBAND.eta}\n`,
);
process.stdout.write(`${line(header)}\n${rows.map(line).join("\n")}\n`);

const byName = (prefix: string) => results.find((r) => r.name.startsWith(prefix))?.runs ?? [];
const bayesHyperband = byName("bayes + hyperband");
const targets: Array<[string, boolean]> = [
  ["bayes + hyperband median best within 1% of the grid's best", median(relative(bayesHyperband)) <= 0.01],
  [
    "bayes + hyperband median epochs ≤ 25% of the grid's",
    median(bayesHyperband.map((r) => r.epochs)) <= 0.25 * gridEpochs,
  ],
  [
    `bayes beats random at ${RUN_CAP} trials (median best)`,
    median(byName("bayes (").map((r) => r.best)) < median(byName("random (").map((r) => r.best)),
  ],
];
for (const [target, met] of targets) process.stdout.write(`${met ? "met   " : "MISSED"} ${target}\n`);
process.stdout.write(`(${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
if (targets.some(([, met]) => !met)) process.exitCode = 1;
