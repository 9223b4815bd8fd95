import { expandTrials, validateSweepConfig } from "@sweep/core";
import { requeueTrials } from "@sweep/store";
import type { Command } from "commander";
import { refuseBayes } from "../controller/refuse-bayes.js";
import { clearSweepCancel } from "../nats/cancel.js";
import { publishTrials } from "../nats/publisher.js";
import { withNatsIfReachable } from "./nats-option.js";
import { registerSweepChange } from "./sweep-change.js";

/** `sweep retry <sweep>`: re-queue failed and cancelled trials and publish them again. */
export function register(program: Command): void {
  registerSweepChange(
    program,
    "retry",
    "Put a sweep's failed and cancelled trials back in the queue (completed ones are kept).",
    async (sweep, database, options) => {
      refuseBayes(validateSweepConfig(sweep.config), "retry");
      const ids = new Set(await requeueTrials(database, sweep.id, ["failed", "cancelled"]));
      const trials = expandTrials(validateSweepConfig(sweep.config), sweep.id).filter((trial) => ids.has(trial.id));
      const published = await withNatsIfReachable(options, "sweep-retry", async (nc, names) => {
        await clearSweepCancel(nc, names, sweep.id);
        // A fresh message id: the first launch's id may still be inside the duplicate window.
        await publishTrials(nc, names, trials, `r${Date.now().toString(36)}`);
        return true;
      });
      process.stdout.write(
        published
          ? `re-queued ${trials.length} trials of sweep ${sweep.id}\n`
          : `re-queued ${trials.length} trials of sweep ${sweep.id} in the database only (no NATS server answered); \`sweep run\` with its config trains them\n`,
      );
    },
  );
}
