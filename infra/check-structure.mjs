#!/usr/bin/env node
// The structure check `npm test` runs first (`npm run check:structure`): the package
// graph of docs/architecture.md and the size limits. Prints one line per violation
// and exits 1, else exits 0 silently. Usage: node infra/check-structure.mjs [repo root]
//
// - A package imports only the packages of ALLOWED below, by name (`@sweep/core`),
//   never another package's `src/`, `dist/` or `test/`; no relative import leaves its
//   package; the repo's own tests (`test/`) import packages by name too.
// - No import circle among a package's files, type-only imports included: one line
//   per circle, naming its files.
// - Source files other than tests and generated code: at most 200 lines, and no
//   function body over 80 lines.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { circleLines, resolveSpecifier } from "./structure/import-circles.mjs";
import { blankLiterals, functionSpans, importsOf } from "./structure/scan-source.mjs";

/** What each package (its folder under packages/) may import of ours. */
export const ALLOWED = {
  core: [],
  store: ["core"],
  protocol: ["core"],
  worker: ["core", "protocol"],
  "dashboard-tui": ["core"],
  orchestrator: ["core", "store", "protocol", "worker", "dashboard-tui"],
};
const MAX_FILE_LINES = 200;
const MAX_FUNCTION_LINES = 80;
const SOURCE = /\.(?:ts|tsx|mts|mjs|js)$/;
const SKIPPED_DIRS = new Set(["node_modules", "dist", "dist-bench", "drizzle", "coverage", ".sweep"]);
const INTERNALS = new Set(["src", "dist", "test"]);

/** Every violation under `root`, one line each (`path:line: what`). */
export function checkStructure(root) {
  const violations = [];
  const packages = readdirSync(path.join(root, "packages"));
  for (const name of packages) {
    if (!(name in ALLOWED)) violations.push(`packages/${name}: not in the package graph (infra/check-structure.mjs)`);
  }
  const files = [...sourceFiles(root, "packages"), ...sourceFiles(root, "test"), ...sourceFiles(root, "infra")];
  const known = new Set(files);
  /** Per package folder: file → the files of the package it loads. */
  const graphs = new Map();
  for (const file of files) {
    const text = readFileSync(path.join(root, file), "utf8");
    const owner = file.startsWith("packages/") ? file.split("/")[1] : null;
    const edges = [];
    for (const { specifier, line, loads } of importsOf(blankComments(text))) {
      const problem = importProblem(root, file, owner, specifier);
      if (problem) violations.push(`${file}:${line}: ${problem}`);
      const target = owner && loads && specifier.startsWith(".") ? resolveSpecifier(file, specifier, known) : null;
      if (target?.startsWith(`packages/${owner}/`)) edges.push({ target, line });
    }
    if (owner) graphOf(graphs, `packages/${owner}`).set(file, edges);
    if (!isTest(file)) violations.push(...sizeProblems(file, text));
  }
  for (const [dir, imports] of graphs) violations.push(...circleLines(dir, imports));
  return violations;
}

function graphOf(graphs, dir) {
  if (!graphs.has(dir)) graphs.set(dir, new Map());
  return graphs.get(dir);
}

function* sourceFiles(root, dir) {
  let entries;
  try {
    entries = readdirSync(path.join(root, dir), { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const relative = `${dir}/${entry.name}`;
    if (entry.isDirectory() && !SKIPPED_DIRS.has(entry.name)) yield* sourceFiles(root, relative);
    else if (entry.isFile() && SOURCE.test(entry.name) && !entry.name.endsWith(".d.ts")) yield relative;
  }
}

const isTest = (file) =>
  /\.test\.tsx?$/.test(file) || file.startsWith("test/") || /^packages\/[^/]+\/test\//.test(file);

/** Comments blanked, strings kept: import specifiers are strings. */
const blankComments = (text) => text.replace(/\/\*[\s\S]*?\*\/|(^|[^:"'`\\])\/\/.*$/gm, (_m, lead = "") => lead);

function importProblem(root, file, owner, specifier) {
  const named = /^@sweep\/([^/]+)(?:\/(.*))?$/.exec(specifier);
  if (named) {
    const [, target, subpath = ""] = named;
    if (INTERNALS.has(subpath.split("/")[0])) return `imports another package's internals: ${specifier}`;
    if (owner && target !== owner && !(ALLOWED[owner] ?? []).includes(target)) {
      return `forbidden import: ${owner} may not import @sweep/${target}`;
    }
    return null;
  }
  if (!specifier.startsWith(".")) return null;
  const resolved = path
    .relative(root, path.resolve(root, path.dirname(file), specifier))
    .split(path.sep)
    .join("/");
  if (owner) {
    return resolved.startsWith(`packages/${owner}/`) ? null : `relative import leaves packages/${owner}: ${specifier}`;
  }
  return resolved.startsWith("packages/")
    ? `relative import of a package's files: ${specifier} (import it by name)`
    : null;
}

function sizeProblems(file, text) {
  const problems = [];
  const lines = text.endsWith("\n") ? text.split("\n").length - 1 : text.split("\n").length;
  if (lines > MAX_FILE_LINES) problems.push(`${file}:1: file of ${lines} lines (max ${MAX_FILE_LINES})`);
  for (const span of functionSpans(blankLiterals(text))) {
    if (span.lines > MAX_FUNCTION_LINES) {
      problems.push(`${file}:${span.line}: function of ${span.lines} lines (max ${MAX_FUNCTION_LINES})`);
    }
  }
  return problems;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const violations = checkStructure(path.resolve(process.argv[2] ?? path.join(import.meta.dirname, "..")));
  for (const violation of violations) console.log(violation);
  process.exitCode = violations.length > 0 ? 1 : 0;
}
