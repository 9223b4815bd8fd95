import { readFile } from "node:fs/promises";
import { gunzipSync } from "node:zlib";
import { errorMessage } from "@sweep/core";

/** An IDX file's unsigned-byte payload (images or labels) and its dimensions. */
export interface IdxArray {
  /** Dimension sizes from the header: [count] for labels, [count, rows, cols] for images. */
  dims: number[];
  /** count × rows × cols bytes (or count bytes), row-major. */
  bytes: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;
const GZIP_MAGIC = [0x1f, 0x8b];

/**
 * Reads an IDX file of unsigned bytes (plain, or gzip when it starts with gzip's magic
 * number) and checks its header: zero bytes, type 0x08, `expectedRank` dimensions,
 * and exactly as many payload bytes as the dimensions promise. Any mismatch is an
 * error whose message names the file.
 */
export async function readIdxFile(path: string, expectedRank: 1 | 3): Promise<IdxArray> {
  let raw: Uint8Array = await readFile(path);
  if (raw[0] === GZIP_MAGIC[0] && raw[1] === GZIP_MAGIC[1]) {
    try {
      raw = gunzipSync(raw);
    } catch (error) {
      throw new Error(`${path}: not a valid gzip file (${errorMessage(error)})`);
    }
  }
  return parseIdx(raw, path, expectedRank);
}

export function parseIdx(raw: Uint8Array, path: string, expectedRank: 1 | 3): IdxArray {
  if (raw.length < 4) throw new Error(`${path}: ${raw.length} bytes is too short for an IDX header`);
  const header = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const magic = header.getUint32(0);
  const expectedMagic = (UNSIGNED_BYTE << 8) | expectedRank;
  if (magic !== expectedMagic) {
    throw new Error(
      `${path}: IDX magic number must be 0x${hex(expectedMagic)} (unsigned bytes, ${expectedRank} dimensions), got 0x${hex(magic)}`,
    );
  }
  const headerBytes = 4 + 4 * expectedRank;
  if (raw.length < headerBytes) throw new Error(`${path}: truncated IDX header (${raw.length} bytes)`);
  const dims = Array.from({ length: expectedRank }, (_, axis) => header.getUint32(4 + 4 * axis));
  const payloadBytes = dims.reduce((product, size) => product * size, 1);
  const actualBytes = raw.length - headerBytes;
  if (actualBytes !== payloadBytes) {
    throw new Error(
      `${path}: dimensions ${dims.join("×")} need ${payloadBytes} data bytes, the file has ${actualBytes} (${actualBytes < payloadBytes ? "truncated" : "trailing bytes"})`,
    );
  }
  return { dims, bytes: raw.subarray(headerBytes) };
}

const hex = (value: number) => value.toString(16).padStart(8, "0");
