import { hashCanonical } from "./canonical-json.js";
import type { SweepConfig } from "./sweep-config.js";

/** sha256 (hex) of the config's canonical JSON: equal configs, whatever their key order, hash alike. */
export function configHash(config: SweepConfig): string {
  return hashCanonical(config);
}

/**
 * `<slug of name>-<first 8 hex of configHash>`, plus `-<slug of suffix>` when given
 * (to launch the same config twice). Matches /^[a-z0-9-]+$/.
 */
export function sweepIdFor(config: SweepConfig, suffix?: string): string {
  const parts = [slug(config.name) || "sweep", configHash(config).slice(0, 8)];
  if (suffix !== undefined && slug(suffix) !== "") parts.push(slug(suffix));
  return parts.join("-");
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
}
