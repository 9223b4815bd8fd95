import { inflateSync } from "node:zlib";

/** A decoded PNG: 8-bit samples, row-major, `channels` interleaved (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA). */
export interface DecodedPng {
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  data: Uint8Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Samples per pixel of each PNG colour type (0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA). */
const SAMPLES: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * Decodes a non-interlaced PNG of any colour type and bit depth to 8-bit samples
 * (16-bit samples keep their high byte; palette images become RGB, or RGBA with a
 * tRNS chunk). An interlaced or malformed file throws an Error saying why.
 */
export function decodePng(bytes: Uint8Array): DecodedPng {
  if (bytes.length < 8 || SIGNATURE.some((byte, i) => bytes[i] !== byte)) throw new Error("not a PNG file");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const idat: Uint8Array[] = [];
  let header: { width: number; height: number; depth: number; type: number; interlace: number } | undefined;
  let palette: Uint8Array | undefined;
  let transparency: Uint8Array | undefined;
  for (let offset = 8; offset + 8 <= bytes.length; ) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const body = bytes.subarray(offset + 8, offset + 8 + length);
    if (body.length !== length) throw new Error(`truncated ${type} chunk`);
    if (type === "IHDR") {
      const [width, height] = [view.getUint32(offset + 8), view.getUint32(offset + 12)];
      header = { width, height, depth: body[8] ?? 0, type: body[9] ?? 0, interlace: body[12] ?? 0 };
    } else if (type === "PLTE") palette = body;
    else if (type === "tRNS") transparency = body;
    else if (type === "IDAT") idat.push(body);
    else if (type === "IEND") break;
    offset += 12 + length;
  }
  if (header === undefined) throw new Error("no IHDR chunk");
  const samples = SAMPLES[header.type];
  if (samples === undefined || ![1, 2, 4, 8, 16].includes(header.depth)) {
    throw new Error(`colour type ${header.type} with bit depth ${header.depth} is not a PNG format`);
  }
  if (header.interlace !== 0) throw new Error("interlaced PNGs are not supported (save it without interlacing)");
  const raw = unfilter(inflateSync(Buffer.concat(idat)), header.width, header.height, samples, header.depth);
  const gray = toEightBit(raw, header.width, header.height, samples, header.depth, header.type !== 3);
  if (header.type !== 3)
    return { width: header.width, height: header.height, channels: samples as 1 | 2 | 3 | 4, data: gray };
  if (palette === undefined) throw new Error("palette image without a PLTE chunk");
  return expandPalette(gray, header.width, header.height, palette, transparency);
}

/** Undoes the per-row filters (none, sub, up, average, Paeth) of the inflated image data. */
function unfilter(data: Uint8Array, width: number, height: number, samples: number, depth: number): Uint8Array {
  const bpp = Math.max(1, (samples * depth) / 8);
  const stride = Math.ceil((width * samples * depth) / 8);
  if (data.length < height * (stride + 1)) throw new Error("truncated image data");
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = data[y * (stride + 1)];
    const row = data.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? (out[y * stride + x - bpp] as number) : 0;
      const b = y > 0 ? (out[(y - 1) * stride + x] as number) : 0;
      const c = x >= bpp && y > 0 ? (out[(y - 1) * stride + x - bpp] as number) : 0;
      const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter as number];
      if (predictor === undefined) throw new Error(`unknown row filter ${filter}`);
      out[y * stride + x] = ((row[x] as number) + predictor) & 0xff;
    }
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Samples as bytes: 16-bit keeps the high byte; 1, 2 and 4-bit gray is scaled to 0–255 (palette indices are not). */
function toEightBit(data: Uint8Array, width: number, height: number, samples: number, depth: number, scale: boolean) {
  if (depth === 8) return data;
  const out = new Uint8Array(width * height * samples);
  const stride = Math.ceil((width * samples * depth) / 8);
  for (let y = 0; y < height; y++) {
    for (let i = 0; i < width * samples; i++) {
      if (depth === 16) {
        out[y * width * samples + i] = data[y * stride + 2 * i] as number;
        continue;
      }
      const bit = i * depth;
      const value = ((data[y * stride + (bit >> 3)] as number) >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
      out[y * width * samples + i] = scale ? Math.round((value * 255) / ((1 << depth) - 1)) : value;
    }
  }
  return out;
}

function expandPalette(
  indices: Uint8Array,
  width: number,
  height: number,
  palette: Uint8Array,
  transparency?: Uint8Array,
): DecodedPng {
  const channels = transparency ? 4 : 3;
  const data = new Uint8Array(width * height * channels);
  indices.forEach((index, pixel) => {
    for (let c = 0; c < 3; c++) data[pixel * channels + c] = palette[index * 3 + c] ?? 0;
    if (transparency) data[pixel * channels + 3] = transparency[index] ?? 255;
  });
  return { width, height, channels, data };
}
