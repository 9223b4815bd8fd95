import { MESSAGE_VERSION, type TrialSpec } from "@sweep/core";

/** Published once per trial on `sweep.trial.<sweepId>`; message id = trial id. */
export interface TrialMessage {
  v: typeof MESSAGE_VERSION;
  trial: TrialSpec;
  /**
   * Published again by `sweep retry`/`sweep resume`: the trial may have a checkpoint
   * from an earlier message, so a worker looks for one on the first delivery too.
   */
  requeued?: boolean;
}

/**
 * The body and message id of a trial's message: id = trial id, or `<trialId>-<suffix>`
 * for a retry or resume, which must not be deduplicated against the first launch and
 * is marked `requeued`.
 */
export function encodeTrialMessage(trial: TrialSpec, requeueSuffix?: string): { body: string; msgID: string } {
  const message: TrialMessage = requeueSuffix
    ? { v: MESSAGE_VERSION, trial, requeued: true }
    : { v: MESSAGE_VERSION, trial };
  return { body: JSON.stringify(message), msgID: requeueSuffix ? `${trial.id}-${requeueSuffix}` : trial.id };
}

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

/** The trial a message names, even an invalid one (its failure is recorded against it); undefined if none. */
export function trialOfMessage(body: string): { id: string; sweepId: string } | undefined {
  try {
    return parseTrialMessage(body).trial;
  } catch (error) {
    return (error as InvalidTrialMessage).trial;
  }
}
