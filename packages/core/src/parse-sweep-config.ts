import { parseDocument } from "yaml";
import { formatConfigPath } from "./config-path.js";
import { describeValue, isUsageError, UsageError } from "./errors.js";
import { expandTrials } from "./expand-trials.js";
import { checkWrittenModel } from "./model/blocks.js";
import { checkRawConfig } from "./raw-config.js";
import { checkSpecPath } from "./spec-overrides.js";
import { type SweepConfig, sweepConfigSchema } from "./sweep-config.js";
import { checkParameter } from "./sweep-points.js";
import { zodIssueError } from "./zod-issues.js";

/**
 * Parses and validates a sweep config file. Every failure is a UsageError with one
 * line, `<source>: <config path>: <rule>, got <value>` (YAML syntax errors:
 * `<source>:<line>:<col>: …`). Beyond the schema it checks that every parameter
 * and override path names a field of the base spec, each parameter's form, the
 * method's needs (list: variants; random and bayes: run_cap, no variants), at most one
 * early_terminate rule of each type, and expands the
 * trials so that every resolved model is valid and does not collapse.
 */
export function parseSweepConfig(yamlText: string, source: string): SweepConfig {
  const raw = parseYaml(yamlText, source);
  try {
    return validateSweepConfig(raw);
  } catch (error) {
    if (isUsageError(error)) throw new UsageError(`${source}: ${error.message}`, error.where);
    throw error;
  }
}

/** Most alias expansions a config may make (`*name`, weighted by the aliases inside what it names). */
export const MAX_YAML_ALIASES = 50;

/**
 * The YAML document as plain values. A syntax error, a warning (an unknown tag such
 * as `!!js/function` is one: it would be read as a plain string) and more than
 * MAX_YAML_ALIASES alias expansions (an alias bomb) are each a one-line UsageError.
 */
function parseYaml(yamlText: string, source: string): unknown {
  const document = parseDocument(yamlText, { prettyErrors: true, uniqueKeys: true });
  const problem = document.errors[0] ?? document.warnings[0];
  if (problem) {
    const position = problem.linePos?.[0];
    const at = position ? `:${position.line}:${position.col}` : "";
    const reason = problem.message.split("\n")[0]?.replace(/ at line \d+, column \d+.*$/, "");
    const kind = document.errors.length > 0 ? "YAML syntax error" : "YAML not accepted";
    throw new UsageError(`${source}${at}: ${kind}: ${reason}`, source);
  }
  try {
    return document.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (error) {
    const reason = (error as Error).message.startsWith("Excessive alias count")
      ? `YAML aliases expand more than ${MAX_YAML_ALIASES} times (an alias bomb?)`
      : `YAML not accepted: ${(error as Error).message}`;
    throw new UsageError(`${source}: ${reason}`, source);
  }
}

/** `parseSweepConfig` for a value already read (JSON, a database row): messages carry no source. */
export function validateSweepConfig(raw: unknown): SweepConfig {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new UsageError(
      `(top level): must be a mapping with name, parameters or variants, model…, got ${describeValue(raw)}`,
    );
  }
  checkRawConfig(raw);
  checkWrittenModel((raw as Record<string, unknown>).model);
  const result = sweepConfigSchema.safeParse(raw);
  if (!result.success) throw zodIssueError(result.error.issues, raw, sweepConfigSchema);
  const parsed = result.data;
  const method = parsed.method ?? (parsed.variants ? "list" : "grid");
  const config: SweepConfig = { ...parsed, method };
  for (const [path, spec] of Object.entries(config.parameters)) {
    checkSpecPath(path, formatConfigPath(["parameters", path]));
    checkParameter(path, spec);
  }
  const names = new Set<string>();
  config.variants?.forEach((variant, index) => {
    const where = formatConfigPath(["variants", index, "name"]);
    if (names.has(variant.name))
      throw new UsageError(`${where}: must be unique among variants, got ${describeValue(variant.name)}`, where);
    names.add(variant.name);
    for (const path of Object.keys(variant.overrides)) {
      checkSpecPath(path, formatConfigPath(["variants", index, "overrides", path]));
    }
  });
  if (method === "list" && !config.variants?.length) {
    throw new UsageError(`method: list needs a non-empty variants list, got "list"`, "method");
  }
  if (method === "random" || method === "bayes") {
    if (config.run_cap === undefined)
      throw new UsageError(`run_cap: is required with method ${method}, got nothing`, "run_cap");
    if (config.variants) throw new UsageError(`variants: need method list or grid, got method "${method}"`, "variants");
  }
  checkEarlyTerminate(config);
  expandTrials(config, "check");
  return config;
}

/** A list of early_terminate rules has at most one of each type. */
function checkEarlyTerminate(config: SweepConfig): void {
  const early = config.early_terminate;
  const rules = early === undefined ? [] : Array.isArray(early) ? early : [early];
  rules.forEach((rule, index) => {
    if (rule.type !== "hyperband" || rule.max_iter === undefined || rule.max_iter > rule.min_iter) return;
    const where = formatConfigPath(
      Array.isArray(early) ? ["early_terminate", index, "max_iter"] : ["early_terminate", "max_iter"],
    );
    throw new UsageError(`${where}: must be greater than min_iter (${rule.min_iter}), got ${rule.max_iter}`, where);
  });
  if (!Array.isArray(early)) return;
  const seen = new Set<string>();
  rules.forEach((rule, index) => {
    const where = formatConfigPath(["early_terminate", index, "type"]);
    if (seen.has(rule.type))
      throw new UsageError(`${where}: must differ from the other rules' types, got ${describeValue(rule.type)}`, where);
    seen.add(rule.type);
  });
}
