import type { z } from "zod";
import { formatConfigPath, valueAt } from "./config-path.js";
import { describeValue, UsageError } from "./errors.js";
import { closest, keysAt } from "./schema-paths.js";

type Issue = z.core.$ZodIssue;
type Key = PropertyKey;

const TYPE_WORDS: Record<string, string> = {
  number: "a number",
  int: "an integer",
  string: "a string",
  boolean: "true or false",
  array: "a list",
  tuple: "a list",
  object: "a mapping",
  record: "a mapping",
  null: "null",
};

/**
 * The first problem zod found, as a one-line UsageError:
 * `<where>: <rule>, got <value>`. `where` is the config path of the value
 * (`base` + the issue's path); `input` is what was validated.
 */
export function zodIssueError(
  issues: readonly Issue[],
  input: unknown,
  schema: z.core.$ZodType,
  base: readonly Key[] = [],
): UsageError {
  const issue = issues[0] as Issue;
  const { path, rule } = describeIssue(issue, input, schema);
  const where = formatConfigPath([...base, ...path]);
  const got = describeValue(valueAt(input, path));
  return new UsageError(`${where}: ${rule}, got ${got}`, where);
}

function describeIssue(issue: Issue, input: unknown, schema: z.core.$ZodType): { path: Key[]; rule: string } {
  const path = [...issue.path];
  switch (issue.code) {
    case "unrecognized_keys": {
      const key = issue.keys[0] as string;
      const suggestion = closest(key, keysAt(schema, path as Array<string | number>));
      return { path: [...path, key], rule: suggestion ? `unknown key (did you mean "${suggestion}"?)` : "unknown key" };
    }
    case "invalid_type": {
      if (valueAt(input, path) === undefined) return { path, rule: "is required" };
      return { path, rule: `must be ${TYPE_WORDS[issue.expected] ?? issue.expected}` };
    }
    case "too_small":
      return { path, rule: sizeRule(issue.origin, "least", issue.minimum, issue.inclusive ?? true) };
    case "too_big":
      return { path, rule: sizeRule(issue.origin, "most", issue.maximum, issue.inclusive ?? true) };
    case "invalid_value":
      return { path, rule: `must be one of ${issue.values.map((v) => String(v)).join(" | ")}` };
    case "invalid_union":
      return describeUnion(issue, input, schema);
    case "not_multiple_of":
      return { path, rule: `must be a multiple of ${String(issue.divisor)}` };
    default:
      return { path, rule: issue.message };
  }
}

function sizeRule(origin: string, side: "least" | "most", limit: number | bigint, inclusive: boolean): string {
  const n = Number(limit);
  if (origin === "array" || origin === "set") {
    if (side === "least" && n === 1) return "must be a non-empty list";
    return `must have at ${side} ${n} item${n === 1 ? "" : "s"}`;
  }
  if (origin === "string")
    return side === "least" && n === 1 ? "must be a non-empty string" : `must have at ${side} ${n} characters`;
  if (side === "least" && n === 0 && !inclusive) return "must be greater than 0";
  const relation = side === "least" ? (inclusive ? "≥" : ">") : inclusive ? "≤" : "<";
  return `must be ${relation} ${n}`;
}

/**
 * A union failed every branch. If the value had the right type for one branch
 * (its first issue is not a type mismatch at the union itself), report that
 * branch's problem; otherwise list what each branch expected.
 */
function describeUnion(
  issue: Extract<Issue, { code: "invalid_union" }>,
  input: unknown,
  schema: z.core.$ZodType,
): { path: Key[]; rule: string } {
  const path = [...issue.path];
  const options = (issue as { options?: unknown[] }).options;
  if (options) return { path, rule: `must be one of ${options.map((v) => String(v)).join(" | ")}` };
  const branches = issue.errors.filter((branch) => branch.length > 0);
  const matching = branches.find((branch) => {
    const first = branch[0] as Issue;
    return !(first.code === "invalid_type" && first.path.length === 0);
  });
  if (matching) {
    const first = matching[0] as Issue;
    return describeIssue({ ...first, path: [...path, ...first.path] } as Issue, input, schema);
  }
  const expected = branches.map((branch) => {
    const first = branch[0] as Extract<Issue, { code: "invalid_type" }>;
    return TYPE_WORDS[first.expected] ?? first.expected;
  });
  return { path, rule: `must be ${[...new Set(expected)].join(" or ")}` };
}
