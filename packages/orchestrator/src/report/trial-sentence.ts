import type { TrialView } from "@sweep/dashboard-tui";

/** What the sentence needs of a trial: its status, curve, best and overfit epochs and test accuracy. */
export type TrialStory = Pick<
  TrialView,
  "status" | "curve" | "bestEpoch" | "overfitEpoch" | "testAccuracy" | "epochsPlanned"
>;

const loss = (value: number) => value.toFixed(4);
const epochs = (count: number) => (count === 1 ? "epoch" : `${count} epochs`);

/**
 * One sentence of what happened to a trial, from its recorded epochs and the best and
 * overfit epochs the store computed: where val_loss is lowest, whether and from when
 * it overfits (val_loss above its best while loss falls), how the trial ended, and its
 * test accuracy. For example: "val_loss is lowest at epoch 3 (0.0268) and rises for
 * the next 2 epochs while loss keeps falling: overfitting from epoch 4; test accuracy 0.9914".
 */
export function trialSentence(trial: TrialStory): string {
  const parts = [curvePhrase(trial), endPhrase(trial)];
  if (trial.testAccuracy !== null) parts.push(`test accuracy ${trial.testAccuracy.toFixed(4)}`);
  return parts.filter((part) => part !== "").join("; ");
}

function curvePhrase({ curve, bestEpoch, overfitEpoch }: TrialStory): string {
  const last = curve.at(-1);
  if (last === undefined) return "no epoch finished";
  const best = curve.find((point) => point.epoch === bestEpoch);
  if (best === undefined)
    return `val_loss was never a finite number in ${curve.length} epoch${curve.length === 1 ? "" : "s"}`;
  const after = curve.filter((point) => point.epoch > best.epoch);
  const bestText = `epoch ${best.epoch} (${loss(best.valLoss)})`;
  if (overfitEpoch !== null && overfitEpoch <= best.epoch) {
    return `val_loss rises while loss falls from epoch ${overfitEpoch} (overfitting), then comes back down to its lowest at ${bestText}`;
  }
  if (overfitEpoch !== null) {
    const rising = after.every((point, i) => point.valLoss > (i === 0 ? best.valLoss : after[i - 1].valLoss));
    const lossFalls = after.every((point, i) => point.loss < (i === 0 ? best.loss : after[i - 1].loss));
    const trend = `${rising ? "rises" : "stays above it"} for the next ${epochs(after.length)}`;
    const lossTrend = lossFalls ? "while loss keeps falling" : "while loss mostly falls";
    return `val_loss is lowest at ${bestText} and ${trend} ${lossTrend}: overfitting from epoch ${overfitEpoch}`;
  }
  if (after.length === 0) {
    return curve.length === 1
      ? `one epoch: val_loss ${loss(best.valLoss)}`
      : `val_loss falls to its lowest at the last epoch, ${best.epoch} (${loss(best.valLoss)}): no overfitting`;
  }
  const rest = after.length === 1 ? "the epoch after it does" : `the ${after.length} epochs after it do`;
  return `val_loss is lowest at ${bestText}; ${rest} not count as overfitting`;
}

function endPhrase({ status, curve, epochsPlanned }: TrialStory): string {
  const done = curve.at(-1)?.epoch ?? 0;
  switch (status) {
    case "completed":
      return "";
    case "running":
      return `still running (${done}/${epochsPlanned} epochs)`;
    case "queued":
      return "still queued";
    default:
      return done === 0 ? `${status} before its first epoch` : `${status} after epoch ${done}`;
  }
}
