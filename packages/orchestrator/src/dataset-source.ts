import path from "node:path";
import type { SweepConfig } from "@sweep/core";
import { BUILTIN_MNIST } from "@sweep/worker/lite";

/** Each `dataset.source` that was resolved: the absolute path → the path as written. */
export type WrittenSources = ReadonlyMap<string, string>;

/** A source starting like a URL scheme (`synthetic:`, a `--task` module's own): not a path. */
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

const SOURCE_PATH = "dataset.source";

/**
 * The config with every relative `dataset.source` (the base spec's, a parameter's
 * values, a variant's override) resolved against the folder of the config file, as
 * compose files do: `sweep run sub/x.yaml` and `cd sub && sweep run x.yaml` read the
 * same data. The absolute path is what is stored with the sweep and what workers
 * receive. `mnist`, absolute paths and sources that start like a URL scheme stay as
 * written (write `./a:b` for a folder whose name has a colon).
 */
export function resolveDatasetSources(
  config: SweepConfig,
  configPath: string,
): { config: SweepConfig; written: WrittenSources } {
  const folder = path.dirname(path.resolve(configPath));
  const written = new Map<string, string>();
  const resolve = (source: unknown): unknown => {
    if (typeof source !== "string" || source === BUILTIN_MNIST || SCHEME.test(source) || path.isAbsolute(source)) {
      return source;
    }
    const absolute = path.resolve(folder, source);
    written.set(absolute, source);
    return absolute;
  };
  const parameter = config.parameters[SOURCE_PATH];
  const parameters = parameter && {
    ...parameter,
    ...(parameter.values && { values: parameter.values.map(resolve) }),
    ...("value" in parameter && { value: resolve(parameter.value) }),
  };
  const resolved: SweepConfig = {
    ...config,
    dataset: { ...config.dataset, source: resolve(config.dataset.source) as string },
    parameters: parameters ? { ...config.parameters, [SOURCE_PATH]: parameters } : config.parameters,
    variants: config.variants?.map((variant) =>
      Object.hasOwn(variant.overrides, SOURCE_PATH)
        ? { ...variant, overrides: { ...variant.overrides, [SOURCE_PATH]: resolve(variant.overrides[SOURCE_PATH]) } }
        : variant,
    ),
  };
  if (config.variants === undefined) delete resolved.variants;
  return { config: resolved, written };
}
