import type { ReportContent, TextTable, TrialSection } from "./report-content.js";
import type { Figure } from "./report-figures.js";

/** The report as Markdown for a repository; each picture is `<file>.png` beside it (the caller writes them). */
export function markdownReport(content: ReportContent): string {
  const lines = [`# ${inline(content.title)}`, ""];
  if (content.description) lines.push(inline(content.description), "");
  lines.push(table({ headers: ["", ""], rows: content.facts }), "");
  lines.push("<details><summary>config as launched</summary>", "", fence(content.config), "", "</details>", "");
  lines.push("## Ranking", "", table(content.ranking), "");
  lines.push("## Trials", "", inline(content.sectionRule), "");
  for (const section of content.sections) lines.push(...trialSection(section));
  lines.push("## val_loss comparison", "");
  lines.push(content.comparison ? image(content.comparison) : "No trial has finished an epoch yet.", "");
  lines.push("## Swept parameters", "");
  if (content.parameters.length === 0) lines.push("This sweep varies no parameter.", "");
  for (const p of content.parameters) {
    lines.push(`### ${inline(p.path)}`, "");
    if (p.figure) lines.push(image(p.figure), "");
    lines.push(table(p.table), "");
    if (p.unscored > 0) lines.push(`${p.unscored} trial(s) without a val_loss are left out.`, "");
  }
  return lines.join("\n");
}

/** The PNG files the Markdown links to. */
export function markdownFigures(content: ReportContent): Figure[] {
  const trials = content.sections.flatMap(({ figures }) => [figures.curve, figures.diagram]);
  const all = [...trials, content.comparison, ...content.parameters.map((p) => p.figure)];
  return all.filter((figure): figure is Figure => figure !== null);
}

function trialSection(section: TrialSection): string[] {
  const { diagram, curve } = section.figures;
  const lines = [`### ${inline(section.heading)}`, ""];
  if (section.note) lines.push(`_${inline(section.note)}_`, "");
  lines.push(inline(section.sentence), "");
  if (curve) lines.push(image(curve), "");
  if (diagram) lines.push(image(diagram), "");
  if (section.summary) lines.push(fence(section.summary), "");
  return lines;
}

function image(figure: Figure): string {
  return `![${inline(figure.alt)}](${figure.file}.png)`;
}

function table({ headers, rows }: TextTable): string {
  const line = (cells: string[]) => `| ${cells.map((cell) => inline(cell).replace(/\|/g, "\\|")).join(" | ")} |`;
  return [line(headers), `|${headers.map(() => " --- ").join("|")}|`, ...rows.map(line)].join("\n");
}

/** A code block whose fence is longer than any backtick run inside. */
function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const mark = "`".repeat(longest + 1);
  return `${mark}text\n${text.replace(/\n$/, "")}\n${mark}`;
}

/** Text in a Markdown line: HTML and Markdown's inline marks escaped. */
function inline(text: string): string {
  return text.replace(/[\\`*_[\]<>#!]/g, (c) => `\\${c}`).replace(/\n/g, " ");
}
