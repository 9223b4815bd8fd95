import { createRequire } from "node:module";
import path from "node:path";
import { Resvg } from "@resvg/resvg-js";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/** Every chart's text uses DejaVu Sans, shipped by the `dejavu-fonts-ttf` package, so PNGs look the same on any machine. */
export const CHART_FONT = "DejaVu Sans";

const fontDirectory = path.join(
  path.dirname(createRequire(import.meta.url).resolve("dejavu-fonts-ttf/package.json")),
  "ttf",
);
const fontFiles = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"].map((file) => path.join(fontDirectory, file));

export interface RenderedChart {
  svg: string;
  png: Buffer;
}

/** Renders a Vega-Lite spec headless (no browser, no canvas) to SVG, then rasterises it to PNG with resvg. */
export async function renderChart(spec: TopLevelSpec, pngScale = 2): Promise<RenderedChart> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    const svg = await view.toSVG();
    const png = new Resvg(svg, {
      background: "white",
      fitTo: { mode: "zoom", value: pngScale },
      font: { fontFiles, loadSystemFonts: false, defaultFontFamily: CHART_FONT, sansSerifFamily: CHART_FONT },
    })
      .render()
      .asPng();
    return { svg, png };
  } finally {
    view.finalize();
  }
}
