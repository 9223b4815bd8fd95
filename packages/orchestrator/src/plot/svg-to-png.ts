import { createRequire } from "node:module";
import path from "node:path";
import { Resvg } from "@resvg/resvg-js";

/** Every chart's and diagram's text uses DejaVu Sans, shipped by the `dejavu-fonts-ttf` package, so PNGs look the same on any machine. */
export const CHART_FONT = "DejaVu Sans";

const fontDirectory = path.join(
  path.dirname(createRequire(import.meta.url).resolve("dejavu-fonts-ttf/package.json")),
  "ttf",
);
const fontFiles = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"].map((file) => path.join(fontDirectory, file));

/** An SVG rasterised by resvg on white at `scale`×, its text in DejaVu Sans whatever the machine's fonts. */
export function svgToPng(svg: string, scale = 2): Buffer {
  return new Resvg(svg, {
    background: "white",
    fitTo: { mode: "zoom", value: scale },
    font: { fontFiles, loadSystemFonts: false, defaultFontFamily: CHART_FONT, sansSerifFamily: CHART_FONT },
  })
    .render()
    .asPng();
}
