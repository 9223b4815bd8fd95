import { formatCount, kerasShape } from "@sweep/core";
import { instance } from "@viz-js/viz";
import { CHART_FONT, svgToPng } from "../plot/svg-to-png.js";
import type { TrialModelSummary } from "./trial-summary.js";

/*
 * A trial's model drawn like Keras' `plot_model(show_shapes=True)`: one box per
 * layer (name: type, then its input and output shapes), top to bottom, built as
 * Graphviz DOT, laid out by Graphviz (@viz-js/viz, WASM) to SVG and rasterised by
 * resvg with DejaVu Sans so the PNG reads the same on any machine.
 */

const FONT = CHART_FONT;

export interface ModelDiagram {
  dot: string;
  svg: string;
  png: Buffer;
}

/** The DOT source: an InputLayer box, then one box per layer, joined by arrows. */
export function modelDot({ trial, summary }: TrialModelSummary): string {
  const inputName = `${summary.layers[0]?.name ?? "model"}_input`;
  const boxes = [
    box("input", `${inputName}: InputLayer`, kerasShape(summary.inputShape), kerasShape(summary.inputShape)),
    ...summary.layers.map((layer, index) =>
      box(
        `layer${index}`,
        `${layer.name}: ${layer.type}`,
        kerasShape(layer.inputShape),
        kerasShape(layer.outputShape),
        layer.params > 0 ? `${formatCount(layer.params)} params` : undefined,
      ),
    ),
  ];
  const edges = summary.layers.map((_, index) => `  ${index === 0 ? "input" : `layer${index - 1}`} -> layer${index};`);
  const title = `${escapeHtml(trial.name)}<BR/><FONT POINT-SIZE="11">${formatCount(summary.totalParams)} params</FONT>`;
  return [
    "digraph model {",
    `  graph [rankdir=TB, labelloc=t, fontname="${FONT}", fontsize=14, label=<${title}>, nodesep=0.3, ranksep=0.35, pad=0.25];`,
    `  node [shape=plaintext, fontname="${FONT}", fontsize=11];`,
    `  edge [arrowsize=0.7];`,
    ...boxes,
    ...edges,
    "}",
  ].join("\n");
}

function box(id: string, title: string, input: string, output: string, note?: string): string {
  const name = note ? `${escapeHtml(title)}<BR/><FONT COLOR="#44546a">${note}</FONT>` : escapeHtml(title);
  return [
    `  ${id} [label=<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="5" BGCOLOR="white">`,
    `<TR><TD ROWSPAN="2" BGCOLOR="#dbe8f6">${name}</TD><TD>input:</TD><TD>${input}</TD></TR>`,
    `<TR><TD>output:</TD><TD>${output}</TD></TR>`,
    "</TABLE>>];",
  ].join("");
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Lays out and renders one trial's diagram (SVG, and PNG at `pngScale`×). */
export async function renderModelDiagram(trial: TrialModelSummary, pngScale = 2): Promise<ModelDiagram> {
  const { dot, svg } = await modelDiagramSvg(trial);
  return { dot, svg, png: svgToPng(svg, pngScale) };
}

/** Lays out one trial's diagram with Graphviz: its DOT source and SVG. */
export async function modelDiagramSvg(trial: TrialModelSummary): Promise<{ dot: string; svg: string }> {
  const dot = modelDot(trial);
  const viz = await instance();
  return { dot, svg: viz.renderString(dot, { format: "svg", engine: "dot" }) };
}
