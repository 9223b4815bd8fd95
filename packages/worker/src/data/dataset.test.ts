import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { loadDataset } from "./dataset.js";
import { readIdxFile } from "./idx.js";

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function idx(dims: number[], payload: number[], magic = 0x0800 | dims.length): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  for (const [axis, size] of dims.entries()) header.writeUInt32BE(size, 4 + 4 * axis);
  return Buffer.concat([header, Buffer.from(payload)]);
}

/** A folder of the four IDX files: `train` 3 images of 2×2, `test` 2; files may be gzipped or damaged. */
function folderWith(files: Partial<Record<string, Buffer>> = {}): string {
  const folder = mkdtempSync(join(tmpdir(), "sweep-idx-"));
  folders.push(folder);
  const defaults: Record<string, Buffer> = {
    "train-images-idx3-ubyte": idx([3, 2, 2], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
    "train-labels-idx1-ubyte": idx([3], [7, 8, 9]),
    "t10k-images-idx3-ubyte": idx([2, 2, 2], [255, 254, 253, 252, 251, 250, 249, 248]),
    "t10k-labels-idx1-ubyte": idx([2], [1, 2]),
  };
  for (const [name, bytes] of Object.entries({ ...defaults, ...files })) {
    if (bytes) writeFileSync(join(folder, name), bytes);
  }
  return folder;
}

describe("readIdxFile", () => {
  it("reads plain and gzip files alike", async () => {
    const folder = folderWith();
    const plain = idx([2, 1, 3], [1, 2, 3, 4, 5, 6]);
    writeFileSync(join(folder, "plain"), plain);
    writeFileSync(join(folder, "zipped"), gzipSync(plain));
    for (const name of ["plain", "zipped"]) {
      const read = await readIdxFile(join(folder, name), 3);
      expect(read.dims).toEqual([2, 1, 3]);
      expect([...read.bytes]).toEqual([1, 2, 3, 4, 5, 6]);
    }
  });

  it("names the file when it is truncated, has trailing bytes or a wrong magic number", async () => {
    const folder = folderWith();
    writeFileSync(join(folder, "short"), idx([2, 2, 2], [1, 2, 3]));
    writeFileSync(join(folder, "long"), idx([1], [1, 2]));
    writeFileSync(join(folder, "labels"), idx([2], [1, 2]));
    await expect(readIdxFile(join(folder, "short"), 3)).rejects.toThrow(
      `${join(folder, "short")}: dimensions 2×2×2 need 8 data bytes, the file has 3 (truncated)`,
    );
    await expect(readIdxFile(join(folder, "long"), 1)).rejects.toThrow("the file has 2 (trailing bytes)");
    await expect(readIdxFile(join(folder, "labels"), 3)).rejects.toThrow(
      `${join(folder, "labels")}: IDX magic number must be 0x00000803 (unsigned bytes, 3 dimensions), got 0x00000801`,
    );
  });
});

describe("loadDataset", () => {
  it("loads a folder's four files, gzipped ones too, into shared memory", async () => {
    const folder = folderWith({
      "train-labels-idx1-ubyte": undefined,
      "train-labels-idx1-ubyte.gz": gzipSync(idx([3], [7, 8, 9])),
    });
    const dataset = await loadDataset(folder);
    expect(dataset.train).toMatchObject({ count: 3, height: 2, width: 2 });
    expect([...dataset.train.labels]).toEqual([7, 8, 9]);
    expect([...dataset.test.images.subarray(4)]).toEqual([251, 250, 249, 248]);
    expect(dataset.train.images.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(await loadDataset(folder)).toBe(dataset);
  });

  it("rejects labels that do not match the images in count", async () => {
    const folder = folderWith({ "t10k-labels-idx1-ubyte": idx([3], [1, 2, 3]) });
    await expect(loadDataset(folder)).rejects.toThrow(
      `${join(folder, "t10k-labels-idx1-ubyte")}: holds 3 labels, but ${join(folder, "t10k-images-idx3-ubyte")} holds 2 images`,
    );
  });

  it("names the missing file and the missing folder", async () => {
    const folder = folderWith({ "t10k-images-idx3-ubyte": undefined });
    await expect(loadDataset(folder)).rejects.toThrow(
      `dataset.source: folder ${folder} must hold t10k-images-idx3-ubyte or t10k-images-idx3-ubyte.gz, found neither`,
    );
    expect(() => loadDataset(join(folder, "nope"))).toThrow(/no such folder/);
  });

  it("loads the built-in MNIST: 60,000 training and 10,000 test images of 28×28", async () => {
    const mnist = await loadDataset("mnist");
    expect(mnist.train).toMatchObject({ count: 60000, height: 28, width: 28 });
    expect(mnist.test).toMatchObject({ count: 10000, height: 28, width: 28 });
    expect(Math.max(...mnist.test.labels)).toBe(9);
  });
});
