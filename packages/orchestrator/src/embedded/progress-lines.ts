import { PRINTABLE_LENGTH, printable, type TrialEvent } from "@sweep/core";

/** One plain line per recorded event worth reading: finished epochs and trial outcomes (see `printable`). */
export function progressLine(event: TrialEvent, trialName: string, epochsPlanned: number): string | undefined {
  const line = eventLine(event, `${event.trialId} (${trialName})`, epochsPlanned);
  return line === undefined ? undefined : printable(line, PRINTABLE_LENGTH.line);
}

function eventLine(event: TrialEvent, who: string, epochsPlanned: number): string | undefined {
  switch (event.type) {
    case "epoch": {
      const m = event.metrics;
      return `${who} epoch ${m.epoch}/${epochsPlanned}: loss ${fixed(m.loss)} val_loss ${fixed(m.val_loss)} val_acc ${fixed(m.val_accuracy)} (${(m.duration_ms / 1000).toFixed(1)} s)`;
    }
    case "completed":
      return `${who} completed: test_loss ${fixed(event.test_loss)} test_acc ${fixed(event.test_accuracy)}`;
    case "failed":
      return event.retryable
        ? `${who} attempt ${event.attempt} failed, retrying: ${event.error}`
        : `${who} failed: ${event.error}`;
    case "pruned":
      return `${who} pruned at epoch ${event.epoch}: ${event.reason}`;
    case "cancelled":
      return `${who} cancelled after epoch ${event.epoch}`;
    default:
      return undefined;
  }
}

const fixed = (value: number) => (Number.isFinite(value) ? value.toFixed(4) : String(value));
