import { errorMessage, validateSweepConfig } from "@sweep/core";
import { type Queryable, sweepById } from "@sweep/store";
import { type SweepController, sweepController } from "./sweep-controller.js";

/**
 * Each sweep's controller, looked up once per sweep (a sweep's config never changes);
 * none for a sweep that is neither bayes nor hyperband, or whose stored config no
 * longer validates (it is recorded without a controller, and said once in the log).
 */
export class SweepControllers {
  readonly #known = new Map<string, SweepController | undefined>();

  constructor(private readonly log: (line: string) => void = () => {}) {}

  /** Seeds the lookup with a controller already made (a local run knows its sweep). */
  add(controller: SweepController): this {
    this.#known.set(controller.sweepId, controller);
    return this;
  }

  async of(db: Queryable, sweepIds: Iterable<string>): Promise<Map<string, SweepController>> {
    const found = new Map<string, SweepController>();
    for (const sweepId of new Set(sweepIds)) {
      if (!this.#known.has(sweepId)) await this.#lookUp(db, sweepId);
      const controller = this.#known.get(sweepId);
      if (controller) found.set(sweepId, controller);
    }
    return found;
  }

  /** Remembers the sweep's controller, or that it has none; a sweep not recorded yet is looked up again. */
  async #lookUp(db: Queryable, sweepId: string): Promise<void> {
    const sweep = await sweepById(db, sweepId);
    if (!sweep) return;
    try {
      this.#known.set(sweepId, sweepController(validateSweepConfig(sweep.config), sweepId));
    } catch (error) {
      this.#known.set(sweepId, undefined);
      this.log(
        `sweep ${sweepId}'s stored config does not validate, recording it without a controller: ${errorMessage(error)}`,
      );
    }
  }
}
