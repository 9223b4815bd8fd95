import { markSweepCancelled } from "@sweep/store";
import type { Command } from "commander";
import { publishSweepCancel } from "../nats/cancel.js";
import { withNatsIfReachable } from "./nats-option.js";
import { registerSweepChange } from "./sweep-change.js";

/** `sweep cancel <sweep>`: queued trials become cancelled; workers stop the running ones. */
export function register(program: Command): void {
  registerSweepChange(
    program,
    "cancel",
    "Cancel a sweep: queued trials are cancelled at once, workers stop its running trials between batches.",
    async (sweep, database, options) => {
      const { cancelled, running } = await markSweepCancelled(database, sweep.id);
      // Without NATS (an embedded sweep), `sweep run`'s own Ctrl-C stops running trials.
      const told = await withNatsIfReachable(options, "sweep-cancel", async (nc, names) => {
        await publishSweepCancel(nc, names, sweep.id);
        return true;
      });
      process.stdout.write(
        `cancelled sweep ${sweep.id}: ${cancelled.length} queued trials cancelled, ${running.length} running trials ${told ? "told to stop" : "left running (no NATS server answered)"}\n`,
      );
    },
  );
}
