import { expandTrials, parseSweepConfig, type TrialSpec } from "@sweep/core";
import { eventFactory } from "@sweep/protocol";
import {
  createSweep,
  pendingPrunes,
  recordEvent,
  recordRungDecision,
  searchHistory,
  sql,
  sweepRungDecisions,
  trialRanking,
} from "@sweep/store";
import { newSweepId, pgliteFactory } from "@sweep/store/testing";
import { afterAll, describe, expect, it } from "vitest";
import { curveTrainer } from "../../test/curve-trainer.js";
import { type LocalRunRequest, runLocally } from "../embedded/run-local.js";
import { localController } from "./local-controller.js";

const CONFIG = `
name: bayes hyperband
method: bayes
run_cap: 12
metric: {name: val_accuracy, goal: maximize}
parameters:
  training.learning_rate: {min: 0.001, max: 1, distribution: log_uniform_values}
training: {epochs: 6, optimizer: sgd}
early_terminate: {type: hyperband, min_iter: 1, eta: 3}
`;

const databases = pgliteFactory();
afterAll(() => databases.dispose());
let shared: Promise<Awaited<ReturnType<typeof databases.open>>> | undefined;
/** One PGlite database for the file (each test has its own sweep): opening one costs seconds. */
const openDatabase = () => {
  shared ??= databases.open();
  return shared;
};

describe("the search controller in a local run", () => {
  function start(
    database: Awaited<ReturnType<typeof databases.open>>,
    sweepId: string,
    onEvent?: LocalRunRequest["onEvent"],
  ) {
    const config = parseSweepConfig(CONFIG, "bayes.yaml");
    const sweep = { id: sweepId, name: config.name, config, configHash: sweepId };
    return runLocally({
      database,
      trainer: curveTrainer(2),
      sweep,
      trials: [],
      worker: "embedded",
      onEvent,
      controller: localController(database, config, sweepId),
    });
  }

  it("proposes run_cap distinct trials, prunes at rungs with the rung in the reason, ranks by val_accuracy", async () => {
    const database = await openDatabase();
    const sweepId = newSweepId();
    expect(await (await start(database, sweepId)).finished).toBe(12);
    const history = await searchHistory(database, sweepId);
    expect(history).toHaveLength(12);
    expect(new Set(history.map((row) => row.key)).size).toBe(12);
    const ranking = await trialRanking(database, sweepId);
    expect(ranking.every((row) => row.status === "completed" || row.status === "pruned")).toBe(true);
    const pruned = await database.query<{ error: string }>(
      sql`SELECT error FROM trials WHERE sweep_id = ${sweepId} AND status = 'pruned'`,
    );
    expect(pruned.length).toBeGreaterThan(0);
    for (const { error } of pruned) expect(error).toMatch(/rung [12] \(epoch [13]\): val_accuracy .* of \d+ trials/);
    // Rank 1 is the highest val_accuracy, not the lowest val_loss.
    const values = ranking.flatMap((row) => (row.metric_value === null ? [] : [row.metric_value]));
    expect(ranking[0]?.metric_value).toBe(Math.max(...values));
  });

  it("continues a stopped sweep from the database: run_cap trials in all, none proposed twice", async () => {
    const database = await openDatabase();
    const sweepId = newSweepId();
    // Stopped once three trials have finished, whenever that is: the continuation has a history to go on.
    let ended = 0;
    const first = start(database, sweepId, (event) => {
      if ((event.type === "completed" || event.type === "pruned") && ++ended === 3) first.cancel();
    });
    await first.finished;
    const before = await searchHistory(database, sweepId);
    const finishedBefore = before.filter((row) => row.status === "completed" || row.status === "pruned");
    expect(finishedBefore.length).toBeGreaterThanOrEqual(3);
    expect(before.length).toBeLessThan(12);
    // The continuation trains what is left of run_cap, and none of the trials already finished.
    expect(await (await start(database, sweepId)).finished).toBe(12 - finishedBefore.length);
    const history = await searchHistory(database, sweepId);
    expect(history).toHaveLength(12);
    expect(new Set(history.map((row) => row.key)).size).toBe(12);
    expect(history.every((row) => row.status === "completed" || row.status === "pruned")).toBe(true);
    for (const row of finishedBefore) expect(history).toContainEqual(row);
  });
});

describe("a grid sweep with hyperband", () => {
  it("trains every grid trial and prunes the worse ones at the rungs", async () => {
    const database = await openDatabase();
    const sweepId = newSweepId();
    const config = parseSweepConfig(
      `name: g\nparameters:\n  training.learning_rate: {values: [0.001, 0.01, 0.05, 0.3, 1]}\ntraining: {epochs: 4, optimizer: sgd}\nmetric: {name: val_accuracy, goal: maximize}\nearly_terminate: {type: hyperband, min_iter: 1, eta: 2}\n`,
      "g.yaml",
    );
    const trials: TrialSpec[] = expandTrials(config, sweepId);
    const sweep = { id: sweepId, name: config.name, config, configHash: sweepId };
    await createSweep(database, sweep, trials);
    const run = runLocally({
      database,
      trainer: curveTrainer(1),
      sweep,
      trials,
      worker: "embedded",
      controller: localController(database, config, sweepId),
    });
    expect(await run.finished).toBe(5);
    const ranking = await trialRanking(database, sweepId);
    expect(ranking.filter((row) => row.status === "pruned").length).toBeGreaterThan(0);
    expect(ranking[0]?.trial_name).toBe("learning_rate=0.05");
    // Every pruned trial has its prune stored at the rung where it stopped, once.
    const decisions = await sweepRungDecisions(database, sweepId);
    const prunes = decisions.filter((row) => row.action === "prune");
    expect(prunes.map((row) => row.trialId).sort()).toEqual(
      ranking
        .filter((row) => row.status === "pruned")
        .map((row) => row.trial_id)
        .sort(),
    );
    expect(new Set(decisions.map((row) => `${row.trialId}@${row.epoch}`)).size).toBe(decisions.length);
  });

  it("prunes at once a trial whose prune a killed run decided but did not carry out", async () => {
    const database = await openDatabase();
    const sweepId = newSweepId();
    const config = parseSweepConfig(
      `name: g\nparameters:\n  training.learning_rate: {values: [0.05, 1]}\ntraining: {epochs: 4, optimizer: sgd}\nearly_terminate: {type: hyperband, min_iter: 1, eta: 2}\n`,
      "g.yaml",
    );
    const trials: TrialSpec[] = expandTrials(config, sweepId);
    const sweep = { id: sweepId, name: config.name, config, configHash: sweepId };
    await createSweep(database, sweep, trials);
    // The killed run: trial 1 recorded its rung epoch and the prune, then the process died.
    const [, doomed] = trials;
    if (!doomed) throw new Error("no trial");
    await recordEvent(
      database,
      eventFactory(doomed, 1)({ type: "started", worker: "w", backend: "cpu", paramCount: 1, resumeFromEpoch: 0 }),
    );
    await recordRungDecision(database, {
      trialId: doomed.id,
      epoch: 1,
      rung: 1,
      action: "prune",
      reason: "rung 1 (epoch 1): test",
    });
    const trained: string[] = [];
    const trainer = curveTrainer(1);
    const run = runLocally({
      database,
      trainer: {
        ...trainer,
        train: (trial, options) => {
          trained.push(trial.id);
          return trainer.train(trial, options);
        },
      },
      sweep,
      trials,
      worker: "embedded",
      controller: localController(database, config, sweepId),
    });
    await run.finished;
    expect(trained).not.toContain(doomed.id);
    const row = (await trialRanking(database, sweepId)).find((ranked) => ranked.trial_id === doomed.id);
    expect(row?.status).toBe("pruned");
    expect(await pendingPrunes(database, sweepId)).toEqual([]);
  });
});
