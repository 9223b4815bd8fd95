import { MESSAGE_VERSION, type TrialEvent, type TrialSpec } from "@sweep/core";

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An event as its producer writes it: `eventFactory` fills in the rest. */
export type EventBody = DistributiveOmit<TrialEvent, "v" | "sweepId" | "trialId" | "attempt" | "at">;

/** Builds events for one attempt: the fields that make recording idempotent filled in. */
export function eventFactory(trial: Pick<TrialSpec, "id" | "sweepId">, attempt: number) {
  return (event: EventBody): TrialEvent =>
    ({
      v: MESSAGE_VERSION,
      sweepId: trial.sweepId,
      trialId: trial.id,
      attempt,
      at: new Date().toISOString(),
      ...event,
    }) as TrialEvent;
}

/**
 * The `Nats-Msg-Id` of an event, `<trialId>.<attempt>.<type>[<epoch>]`: the same event
 * sent twice (a publish retried after a lost connection) is stored once.
 */
export function eventMessageId(event: TrialEvent): string {
  const epoch = event.type === "epoch" ? event.metrics.epoch : "";
  return `${event.trialId}.${event.attempt}.${event.type}${epoch}`;
}

/** An event's body as published on SWEEP_EVENTS. */
export const encodeTrialEvent = (event: TrialEvent): string => JSON.stringify(event);

/** A trial event of this version, or undefined (a foreign or older message is skipped). */
export function parseTrialEvent(body: string): TrialEvent | undefined {
  try {
    const event = JSON.parse(body) as TrialEvent;
    return event?.v === MESSAGE_VERSION && typeof event.trialId === "string" ? event : undefined;
  } catch {
    return undefined;
  }
}
