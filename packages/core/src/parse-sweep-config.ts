import { parseDocument } from "yaml";
import { formatConfigPath } from "./config-path.js";
import { describeValue, isUsageError, UsageError } from "./errors.js";
import { expandTrials } from "./expand-trials.js";
import { checkSpecPath } from "./spec-overrides.js";
import { type SweepConfig, sweepConfigSchema } from "./sweep-config.js";
import { checkParameter } from "./sweep-points.js";
import { zodIssueError } from "./zod-issues.js";

/**
 * Parses and validates a sweep config file. Every failure is a UsageError with one
 * line, `<source>: <config path>: <rule>, got <value>` (YAML syntax errors:
 * `<source>:<line>:<col>: …`). Beyond the schema it checks that every parameter
 * and override path names a field of the base spec, each parameter's form, the
 * method's needs (list: variants; random: run_cap, no variants), and expands the
 * trials so that every resolved model is valid and does not collapse.
 */
export function parseSweepConfig(yamlText: string, source: string): SweepConfig {
  const document = parseDocument(yamlText, { prettyErrors: true, uniqueKeys: true });
  const syntaxError = document.errors[0];
  if (syntaxError) {
    const position = syntaxError.linePos?.[0];
    const at = position ? `:${position.line}:${position.col}` : "";
    const reason = syntaxError.message.split("\n")[0]?.replace(/ at line \d+, column \d+.*$/, "");
    throw new UsageError(`${source}${at}: YAML syntax error: ${reason}`, source);
  }
  const raw: unknown = document.toJS();
  try {
    return validateSweepConfig(raw);
  } catch (error) {
    if (isUsageError(error)) throw new UsageError(`${source}: ${error.message}`, error.where);
    throw error;
  }
}

/** `parseSweepConfig` for a value already read (JSON, a database row): messages carry no source. */
export function validateSweepConfig(raw: unknown): SweepConfig {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new UsageError(
      `(top level): must be a mapping with name, parameters or variants, model…, got ${describeValue(raw)}`,
    );
  }
  const result = sweepConfigSchema.safeParse(raw);
  if (!result.success) throw zodIssueError(result.error.issues, raw, sweepConfigSchema);
  const parsed = result.data;
  const method = parsed.method ?? (parsed.variants ? "list" : "grid");
  const config: SweepConfig = { ...parsed, method };
  for (const [path, spec] of Object.entries(config.parameters)) {
    checkSpecPath(path, `parameters.${path}`);
    checkParameter(path, spec);
  }
  const names = new Set<string>();
  config.variants?.forEach((variant, index) => {
    const where = formatConfigPath(["variants", index, "name"]);
    if (names.has(variant.name))
      throw new UsageError(`${where}: must be unique among variants, got "${variant.name}"`, where);
    names.add(variant.name);
    for (const path of Object.keys(variant.overrides)) {
      checkSpecPath(path, formatConfigPath(["variants", index, "overrides", path]));
    }
  });
  if (method === "list" && !config.variants?.length) {
    throw new UsageError(`method: list needs a non-empty variants list, got "list"`, "method");
  }
  if (method === "random") {
    if (config.run_cap === undefined)
      throw new UsageError(`run_cap: is required with method random, got nothing`, "run_cap");
    if (config.variants) throw new UsageError(`variants: need method list or grid, got method "random"`, "variants");
  }
  expandTrials(config, "check");
  return config;
}
