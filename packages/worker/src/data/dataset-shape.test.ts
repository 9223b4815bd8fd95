import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveDatasetFolder } from "./dataset.js";
import { readDatasetShape } from "./dataset-shape.js";

const mnist = resolveDatasetFolder("mnist");
let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sweep-shape-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A folder with MNIST's two image files, each transformed by `image`. */
async function folder(name: string, image: (bytes: Buffer) => Buffer, suffix = ""): Promise<string> {
  const target = path.join(dir, name);
  await mkdir(target);
  for (const file of ["train-images-idx3-ubyte", "t10k-images-idx3-ubyte"]) {
    await writeFile(path.join(target, `${file}${suffix}`), image(await readFile(path.join(mnist, file))));
  }
  return target;
}

describe("readDatasetShape: a data set's shape from its IDX headers", () => {
  it("reads MNIST: 60,000 and 10,000 grayscale 28x28 images", async () => {
    expect(await readDatasetShape("mnist")).toEqual({
      source: "mnist",
      height: 28,
      width: 28,
      channels: 1,
      trainImages: 60_000,
      testImages: 10_000,
    });
  });

  it("reads the header of gzipped files without inflating them whole", async () => {
    const source = await folder("gz", (bytes) => gzipSync(bytes), ".gz");
    expect(await readDatasetShape(source)).toMatchObject({ height: 28, width: 28, trainImages: 60_000 });
  });

  it("refuses a file that is not IDX images, naming dataset.source and the file", async () => {
    const source = await folder("labels", () => Buffer.from([0, 0, 8, 1, 0, 0, 0, 1, 7]));
    await expect(readDatasetShape(source)).rejects.toMatchObject({
      name: "UsageError",
      message: expect.stringMatching(/^dataset\.source: .*train-images-idx3-ubyte: not an IDX file/),
    });
  });

  it("refuses a missing folder as a UsageError", async () => {
    await expect(readDatasetShape(path.join(dir, "nope"))).rejects.toMatchObject({ name: "UsageError" });
  });
});
