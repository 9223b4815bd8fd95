import { MESSAGE_VERSION, type TrialMessage } from "@sweep/core";

/** Why a trial message cannot be trained; such a message is terminated, never redelivered. */
export class InvalidTrialMessage extends Error {
  override readonly name = "InvalidTrialMessage";
  constructor(
    message: string,
    /** What could be read of the trial, to record the failure against. */
    readonly trial?: { id: string; sweepId: string },
  ) {
    super(message);
  }
}

/** Parses and checks a `TrialMessage` body; throws `InvalidTrialMessage`. */
export function parseTrialMessage(body: string): TrialMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new InvalidTrialMessage(`trial message is not JSON: ${body.slice(0, 60)}`);
  }
  const message = parsed as Partial<TrialMessage> | null;
  const trial = message?.trial;
  const known =
    typeof trial?.id === "string" && typeof trial?.sweepId === "string"
      ? { id: trial.id, sweepId: trial.sweepId }
      : undefined;
  if (message?.v !== MESSAGE_VERSION) {
    throw new InvalidTrialMessage(
      `trial message version must be ${MESSAGE_VERSION}, received ${JSON.stringify(message?.v)}`,
      known,
    );
  }
  if (!known || typeof trial?.training?.epochs !== "number" || typeof trial.dataset?.source !== "string") {
    throw new InvalidTrialMessage("trial message lacks trial.id, sweepId, training.epochs or dataset.source", known);
  }
  return message as TrialMessage;
}
