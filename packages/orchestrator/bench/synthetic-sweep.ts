import { type EpochMetrics, seededRandom } from "@sweep/core";

/**
 * A made-up sweep with the reference experiment's shape (val_loss falls, bottoms
 * out after a few epochs, then climbs as the model overfits) for benchmarks and
 * tests of what reads the database. Deterministic for a given seed.
 */
export interface SyntheticTrial {
  ordinal: number;
  name: string;
  params: Record<string, unknown>;
  status: "queued" | "running" | "completed";
  epochs: EpochMetrics[];
  epochsPlanned: number;
  testAccuracy: number | null;
}

export interface SyntheticSweepShape {
  trials: number;
  epochs: number;
  /** How many of the trials are still queued (no epoch) and running (half their epochs), at the end. */
  queued?: number;
  running?: number;
  seed?: number;
}

/**
 * The trials of a made-up sweep of `shape`, with their epochs, as `seedSweep` writes
 * them (not trial specs to train: those are `syntheticTrials` of `@sweep/worker/fixtures`).
 */
export function syntheticTrialRows(shape: SyntheticSweepShape): SyntheticTrial[] {
  const random = seededRandom(shape.seed ?? 1);
  const queued = shape.queued ?? 0;
  const running = shape.running ?? 0;
  const finished = shape.trials - queued - running;
  return Array.from({ length: shape.trials }, (_, ordinal) => {
    const status = ordinal < finished ? "completed" : ordinal < finished + running ? "running" : "queued";
    const epochCount = status === "completed" ? shape.epochs : status === "running" ? Math.ceil(shape.epochs / 2) : 0;
    const floor = 0.02 + random() * 0.03;
    const turn = 2 + Math.floor(random() * 6);
    const climb = random() * 0.004;
    const epochs = Array.from({ length: epochCount }, (_, i): EpochMetrics => {
      const epoch = i + 1;
      const valLoss = floor + 0.08 / epoch + climb * Math.max(0, epoch - turn) + random() * 0.002;
      const loss = 0.25 / epoch + 0.01 + random() * 0.002;
      return {
        epoch,
        loss,
        accuracy: 1 - loss / 3,
        val_loss: valLoss,
        val_accuracy: 1 - valLoss / 3,
        duration_ms: 40_000 + random() * 10_000,
        images_per_s: 100 + random() * 40,
      };
    });
    const poolSize = [2, 3, 4][ordinal % 3];
    const dense = [[128], [64], []][Math.floor(ordinal / 3) % 3];
    return {
      ordinal,
      name: `variant-${String(ordinal + 1).padStart(4, "0")}`,
      params: { "model.pool.size": poolSize, "model.dense": dense },
      status,
      epochs,
      epochsPlanned: shape.epochs,
      testAccuracy: status === "completed" ? 0.985 + random() * 0.01 : null,
    };
  });
}
