import { Resvg } from "@resvg/resvg-js";
import { decodePng } from "@sweep/worker";
import { describe, expect, it } from "vitest";
import { encodePng } from "../../test/png.js";

describe("decodePng", () => {
  it("reads what resvg encodes: every RGBA byte of a rendered picture", () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="37" height="23"><rect width="37" height="23" fill="#123456"/><circle cx="12" cy="11" r="9" fill="#f0c020"/><path d="M20 2 L36 21 L22 20 Z" fill="#2a9d8f"/></svg>`;
    const rendered = new Resvg(svg).render();
    const decoded = decodePng(new Uint8Array(rendered.asPng()));
    expect([decoded.width, decoded.height, decoded.channels]).toEqual([37, 23, 4]);
    expect(Buffer.from(decoded.data).equals(Buffer.from(rendered.pixels))).toBe(true);
  });

  it("undoes each row filter of gray and RGB images", () => {
    const gray = Uint8Array.from({ length: 7 * 5 }, (_, i) => (i * 37 + 11) % 256);
    const rgb = Uint8Array.from({ length: 4 * 3 * 3 }, (_, i) => (i * 53 + 7) % 256);
    for (const filter of [0, 1, 2, 3, 4]) {
      expect(decodePng(encodePng(7, 5, 0, 1, gray, filter))).toEqual({ width: 7, height: 5, channels: 1, data: gray });
      expect(decodePng(encodePng(4, 3, 2, 3, rgb, filter)).data).toEqual(rgb);
    }
  });

  it("says why it cannot read a file", () => {
    expect(() => decodePng(new Uint8Array([1, 2, 3]))).toThrow("not a PNG file");
    const interlaced = encodePng(2, 2, 0, 1, new Uint8Array(4));
    interlaced[8 + 8 + 12] = 1;
    expect(() => decodePng(interlaced)).toThrow("interlaced PNGs are not supported");
  });
});
