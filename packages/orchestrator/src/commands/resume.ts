import { expandTrials, validateSweepConfig } from "@sweep/core";
import { requeueTrials } from "@sweep/store";
import type { Command } from "commander";
import { refuseBayes } from "../controller/refuse-bayes.js";
import { clearSweepCancel } from "../nats/cancel.js";
import { publishTrials } from "../nats/publisher.js";
import { trialsStillQueued } from "../nats/queued-trials.js";
import { withNatsIfReachable } from "./nats-option.js";
import { registerSweepChange } from "./sweep-change.js";

/**
 * `sweep resume <sweep>`: queue again every trial that did not finish (queued,
 * running, cancelled) and whose message is no longer in SWEEP_TRIALS, e.g. after the
 * sweep was cancelled or NATS lost its stream. Completed, pruned and failed trials
 * are kept (`sweep retry` re-queues failed ones). Each trial continues from its
 * checkpoint when it has one.
 */
export function register(program: Command): void {
  registerSweepChange(
    program,
    "resume",
    "Queue a sweep's unfinished trials again (queued, running and cancelled ones no worker holds); each continues from its last checkpoint.",
    async (sweep, database, options) => {
      refuseBayes(validateSweepConfig(sweep.config), "resume");
      const trials = expandTrials(validateSweepConfig(sweep.config), sweep.id);
      const resumed = await withNatsIfReachable(options, "sweep-resume", async (nc, names) => {
        const held = await trialsStillQueued(nc, names, sweep.id);
        const ids = new Set(await requeueTrials(database, sweep.id, ["queued", "running", "cancelled"], [...held]));
        await clearSweepCancel(nc, names, sweep.id);
        // A fresh message id: the first launch's id may still be inside the duplicate window.
        await publishTrials(
          nc,
          names,
          trials.filter((trial) => ids.has(trial.id)),
          `r${Date.now().toString(36)}`,
        );
        return { requeued: ids.size, held: held.size };
      });
      if (resumed) {
        process.stdout.write(
          `re-queued ${resumed.requeued} unfinished trials of sweep ${sweep.id} (${resumed.held} still queued on NATS)\n`,
        );
        return;
      }
      // Embedded: `sweep run` trains queued and running trials itself; only cancelled ones need re-queueing.
      const ids = await requeueTrials(database, sweep.id, ["cancelled"]);
      process.stdout.write(
        `re-queued ${ids.length} cancelled trials of sweep ${sweep.id} in the database only (no NATS server answered); \`sweep run\` with its config trains them and the other unfinished ones\n`,
      );
    },
  );
}
