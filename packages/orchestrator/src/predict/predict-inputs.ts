import { readFile } from "node:fs/promises";
import { describeValue, errorMessage, UsageError } from "@sweep/core";
import type { DecodedPng, ImageBatch } from "@sweep/worker";

/** The argument of `sweep predict` that lists the images. */
export const IMAGES_ARGUMENT = "<images...>";

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];

/** What `sweep predict` reads: the images as the model's input, each with the name it is printed with. */
export interface PredictInputs {
  names: string[];
  batch: ImageBatch;
}

type Decoders = {
  decodePng(bytes: Uint8Array): DecodedPng;
  readIdxFile(path: string, rank: 1 | 3): Promise<{ dims: number[]; bytes: Uint8Array }>;
};

/**
 * Reads IDX image files (every image, named `<file>#<index>`) and PNG files (one image
 * each, named by its path) as `shape` ([height, width, channels]) input: bytes ÷ 255,
 * as the trainer scales them. A PNG's gray or colour becomes the model's channels (colour
 * to one channel by ITU-R 601 luma, as PIL's `convert("L")`; alpha is dropped). A file
 * of another size or that is neither format is a `UsageError` naming it.
 */
export async function readPredictInputs(
  files: readonly string[],
  shape: [number, number, number],
  decoders: Decoders,
): Promise<PredictInputs> {
  const [height, width, channels] = shape;
  const names: string[] = [];
  const chunks: Uint8Array[] = [];
  for (const file of files) {
    const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
      throw refused(file, `cannot be read (${error.code ?? errorMessage(error)})`);
    });
    if (PNG_MAGIC.every((byte, i) => bytes[i] === byte)) {
      const png = decodeOrRefuse(file, () => decoders.decodePng(bytes));
      if (png.width !== width || png.height !== height) {
        throw refused(file, `is ${png.width}x${png.height}, the model takes ${width}x${height} images`);
      }
      chunks.push(toChannels(png, channels));
      names.push(file);
      continue;
    }
    const idx = await decoders.readIdxFile(file, 3).catch((error) => {
      throw refused(file, `is neither a PNG nor an IDX image file (${errorMessage(error)})`);
    });
    const [count = 0, rows, cols] = idx.dims;
    if (rows !== height || cols !== width || channels !== 1) {
      throw refused(file, `holds ${rows}x${cols} gray images, the model takes ${width}x${height}x${channels}`);
    }
    chunks.push(idx.bytes);
    for (let i = 0; i < count; i++) names.push(`${file}#${i}`);
  }
  const pixels = new Float32Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) pixels[offset + i] = (chunk[i] as number) / 255;
    offset += chunk.length;
  }
  return { names, batch: { count: names.length, shape, pixels } };
}

function decodeOrRefuse(file: string, decode: () => DecodedPng): DecodedPng {
  try {
    return decode();
  } catch (error) {
    throw refused(file, `is not a PNG this reads (${errorMessage(error)})`);
  }
}

/** A PNG's pixels as `channels` bytes each: gray ← gray or luma of RGB; RGB ← RGB or gray repeated. */
function toChannels(png: DecodedPng, channels: number): Uint8Array {
  const pixels = png.width * png.height;
  const out = new Uint8Array(pixels * channels);
  for (let p = 0; p < pixels; p++) {
    const at = p * png.channels;
    const gray = png.channels <= 2;
    const [r, g, b] = gray
      ? [0, 0, 0].map(() => png.data[at] as number)
      : [0, 1, 2].map((c) => png.data[at + c] as number);
    if (channels === 1)
      out[p] = gray ? (r as number) : Math.round(0.299 * (r as number) + 0.587 * (g as number) + 0.114 * (b as number));
    else for (let c = 0; c < channels; c++) out[p * channels + c] = [r, g, b][c % 3] as number;
  }
  return out;
}

const refused = (file: string, rule: string) =>
  new UsageError(`${IMAGES_ARGUMENT}: ${describeValue(file)} ${rule}`, IMAGES_ARGUMENT);
