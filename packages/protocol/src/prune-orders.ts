import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import type { PipelineNames } from "./names.js";

/**
 * The search controller's order to stop a trial at a hyperband rung, put in the prune
 * bucket under the trial id. A worker training the trial stops it between batches and
 * records it `pruned` with `reason`; a worker that is handed the trial later (a
 * redelivery) records it pruned without training. Putting the same order again is
 * harmless, so the controller re-sends orders it cannot know were seen.
 */
export interface PruneOrder {
  sweepId: string;
  trialId: string;
  /** The rung's epoch. */
  epoch: number;
  reason: string;
}

export interface PruneOrders {
  put(order: PruneOrder): Promise<void>;
  /** The order for a trial, if one was put. */
  get(trialId: string): Promise<PruneOrder | undefined>;
  /** Calls `onOrder` for every order put from now on, until `stop()`. */
  watch(onOrder: (order: PruneOrder) => void): Promise<{ stop(): Promise<void> }>;
}

export async function openPruneOrders(nc: NatsConnection, names: PipelineNames): Promise<PruneOrders> {
  const kv = await new Kvm(nc).open(names.pruneBucket);
  return {
    async put(order) {
      await kv.put(order.trialId, JSON.stringify(order));
    },
    async get(trialId) {
      const entry = await kv.get(trialId);
      return entry?.operation === "PUT" ? readOrder(entry.string()) : undefined;
    },
    async watch(onOrder) {
      const watch = await kv.watch({ include: "updates" });
      const done = (async () => {
        for await (const entry of watch) {
          const order = entry.operation === "PUT" ? readOrder(entry.string()) : undefined;
          if (order) onOrder(order);
        }
      })();
      return {
        async stop() {
          watch.stop();
          await done;
        },
      };
    },
  };
}

/** An order as put; anything else (a foreign or damaged entry) is none. */
function readOrder(text: string): PruneOrder | undefined {
  try {
    const order = JSON.parse(text) as Partial<PruneOrder>;
    const complete =
      typeof order.sweepId === "string" &&
      typeof order.trialId === "string" &&
      typeof order.epoch === "number" &&
      typeof order.reason === "string";
    return complete ? (order as PruneOrder) : undefined;
  } catch {
    return undefined;
  }
}
