import { type BaseSpecs, specValueAt } from "../spec-overrides.js";
import type { SweepConfig } from "../sweep-config.js";
import type { SearchPoint } from "./search-space.js";

/**
 * The search point a trial was trained at, from its stored `params` (which hold only
 * the values that differ from the base spec): each parameter's value from `params`,
 * else the base spec's value at its path.
 */
export function trialPoint(config: SweepConfig, params: Record<string, unknown>): SearchPoint {
  const base: BaseSpecs = { model: config.model, training: config.training, dataset: config.dataset };
  const point: SearchPoint = {};
  for (const path of Object.keys(config.parameters)) {
    point[path] = path in params ? params[path] : specValueAt(base, path);
  }
  return point;
}
