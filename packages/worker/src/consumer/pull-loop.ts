import type { Consumer, JsMsg } from "@nats-io/jetstream";
import { errorMessage } from "@sweep/core";
import type { TrialSlots } from "./trial-slots.js";

/** How long to wait before asking again when fetching failed (NATS restarting or unreachable). */
const FETCH_RETRY_MS = 1000;
/** Redelivery delay of a message whose handling threw. */
const HANDED_BACK_DELAY_MS = 1000;

export interface PullLoopOptions {
  consumer: Consumer;
  slots: TrialSlots;
  /** How long one pull request waits for messages; bounds how fast the loop ends once stopping. */
  fetchExpiresMs: number;
  isStopping(): boolean;
  handle(msg: JsMsg): Promise<void>;
  log(line: string): void;
}

/**
 * Fetches at most one trial message per free thread and hands each to `handle`, until
 * stopping; then waits for the messages being handled. A message whose handling
 * throws is handed back.
 */
export async function pullTrialMessages(options: PullLoopOptions): Promise<void> {
  const { consumer, slots, log } = options;
  while (!options.isStopping()) {
    await slots.waitForFree();
    if (options.isStopping()) break;
    try {
      const messages = await consumer.fetch({ max_messages: slots.free, expires: options.fetchExpiresMs });
      for await (const msg of messages) {
        slots.hold(
          options.handle(msg).catch((error) => {
            log(`trial message ${msg.seq} handed back: ${errorMessage(error)}`);
            msg.nak(HANDED_BACK_DELAY_MS);
          }),
        );
      }
    } catch (error) {
      // NATS restarting or unreachable for a while: keep the running trials, ask again.
      log(`fetching trials failed, retrying in 1 s: ${errorMessage(error)}`);
      await new Promise((resolve) => setTimeout(resolve, FETCH_RETRY_MS));
    }
  }
  await slots.drained();
}
