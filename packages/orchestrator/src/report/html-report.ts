import type { ReportContent, TextTable, TrialSection } from "./report-content.js";
import type { Figure } from "./report-figures.js";

/*
 * The report as one self-contained HTML file: pictures are inline SVG, styles are in
 * the page, nothing is fetched and no script runs.
 */

const STYLE = `
body { font-family: "DejaVu Sans", Verdana, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; color: #1b1f24; }
h1 { margin-bottom: 0.2rem; } h2 { border-bottom: 1px solid #d0d7de; padding-bottom: 0.2rem; margin-top: 2.5rem; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.5rem 0; }
th, td { border: 1px solid #d0d7de; padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f0f3f6; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
pre { background: #f6f8fa; padding: 0.6rem; overflow-x: auto; font-size: 0.8rem; }
figure { margin: 0.5rem 0; display: inline-block; vertical-align: top; } figure svg { max-width: 100%; height: auto; }
.sentence { font-size: 1.05rem; } .note { color: #57606a; }
`;

export function htmlReport(content: ReportContent): string {
  const facts = content.facts.map(([label, value]) => `<tr><th>${html(label)}</th><td>${html(value)}</td></tr>`);
  return [
    "<!DOCTYPE html>",
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${html(content.title)}: sweep report</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<header id="header"><h1>${html(content.title)}</h1>`,
    content.description ? `<p>${html(content.description)}</p>` : "",
    `<table class="facts">${facts.join("")}</table>`,
    `<details><summary>config as launched</summary><pre>${html(content.config)}</pre></details></header>`,
    `<section id="ranking"><h2>Ranking</h2>${table(content.ranking)}</section>`,
    `<section id="trials"><h2>Trials</h2><p class="note">${html(content.sectionRule)}</p>`,
    ...content.sections.map((section, index) => trialSection(section, index)),
    "</section>",
    '<section id="comparison"><h2>val_loss comparison</h2>',
    content.comparison ? figure(content.comparison) : "<p>No trial has finished an epoch yet.</p>",
    "</section>",
    '<section id="parameters"><h2>Swept parameters</h2>',
    content.parameters.length === 0 ? "<p>This sweep varies no parameter.</p>" : "",
    ...content.parameters.map(
      (p) =>
        `<h3>${html(p.path)}</h3>${p.figure ? figure(p.figure) : ""}${table(p.table)}` +
        (p.unscored > 0 ? `<p class="note">${p.unscored} trial(s) without a val_loss are left out.</p>` : ""),
    ),
    "</section></body></html>",
    "",
  ].join("\n");
}

function trialSection(section: TrialSection, index: number): string {
  const { diagram, curve } = section.figures;
  return [
    `<article class="trial" id="trial-${index + 1}"><h3>${html(section.heading)}</h3>`,
    section.note ? `<p class="note">${html(section.note)}</p>` : "",
    `<p class="sentence">${html(section.sentence)}</p>`,
    curve ? figure(curve) : "",
    diagram ? figure(diagram) : "",
    section.summary ? `<pre class="summary">${html(section.summary)}</pre>` : "",
    "</article>",
  ].join("\n");
}

function table({ headers, rows }: TextTable): string {
  const head = `<tr>${headers.map((h) => `<th>${html(h)}</th>`).join("")}</tr>`;
  const cell = (value: string) => `<td${/^[-\d.,/—#]+$/.test(value) ? ' class="n"' : ""}>${html(value)}</td>`;
  const body = rows.map((row) => `<tr>${row.map(cell).join("")}</tr>`).join("\n");
  return `<table>\n${head}\n${body}\n</table>`;
}

/** The figure's SVG inline: its XML prolog dropped and its ids made unique in the page. */
function figure(picture: Figure): string {
  const start = picture.svg.indexOf("<svg");
  const prefix = `${picture.file}-`;
  const svg = picture.svg
    .slice(Math.max(0, start))
    .replace(/\bid="([^"]+)"/g, `id="${prefix}$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}$1"`)
    .replace("<svg", `<svg role="img" aria-label="${html(picture.alt)}"`);
  return `<figure id="${picture.file}">${svg}</figure>`;
}

function html(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}
