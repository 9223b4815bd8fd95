import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import { svgToPng } from "./svg-to-png.js";

export { CHART_FONT } from "./svg-to-png.js";

export interface RenderedChart {
  svg: string;
  png: Buffer;
}

/** Renders a Vega-Lite spec headless (no browser, no canvas) to SVG, then rasterises it to PNG with resvg. */
export async function renderChart(spec: TopLevelSpec, pngScale = 2): Promise<RenderedChart> {
  const svg = await chartSvg(spec);
  return { svg, png: svgToPng(svg, pngScale) };
}

/** A Vega-Lite spec rendered headless to SVG. */
export async function chartSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
