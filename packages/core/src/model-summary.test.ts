import { describe, expect, it } from "vitest";
import { isUsageError } from "./errors.js";
import { compileLayers } from "./layers.js";
import { modelSchema } from "./model-spec.js";
import { summarizeModel } from "./model-summary.js";

/** The six models of the reference Keras study (docs/study.md), as model specs. */
const REFERENCE = {
  Model1: {},
  Model2: { conv: [{ filters: 64, kernel: 5 }] },
  Model3: { conv: [{ filters: 32 }, { filters: 64 }, { filters: 64 }] },
  Model4: { pool: null },
  Model5: { pool: { size: 4 } },
  Model6: { dense: [] },
};

function summarize(spec: object) {
  const model = modelSchema.parse(spec);
  return summarizeModel(model.input_shape, compileLayers(model));
}

function table(spec: object) {
  return summarize(spec).layers.map((l) => [l.name, l.outputShape.join("x"), l.params]);
}

describe("summarizeModel on the reference study", () => {
  it("Model1: 28x28x1 → conv 3x3/32 (9·1·32+32=320) → conv 3x3/64 (9·32·64+64=18,496) → pool 2 → dense 9216·128+128 → 128·10+10", () => {
    expect(table(REFERENCE.Model1)).toEqual([
      ["conv2d_1", "26x26x32", 320],
      ["conv2d_2", "24x24x64", 18_496],
      ["max_pooling2d_1", "12x12x64", 0],
      ["dropout_1", "12x12x64", 0],
      ["flatten_1", "9216", 0],
      ["dense_1", "128", 1_179_776],
      ["dropout_2", "128", 0],
      ["dense_2", "10", 1_290],
    ]);
    expect(summarize(REFERENCE.Model1).totalParams).toBe(1_199_882);
  });

  it("Model2: one conv 5x5/64 (25·1·64+64=1,664), 24→12, same dense head: 1,664+1,179,776+1,290", () => {
    expect(table(REFERENCE.Model2).slice(0, 3)).toEqual([
      ["conv2d_1", "24x24x64", 1_664],
      ["max_pooling2d_1", "12x12x64", 0],
      ["dropout_1", "12x12x64", 0],
    ]);
    expect(summarize(REFERENCE.Model2).totalParams).toBe(1_182_730);
  });

  it("Model3: a third conv 3x3 64→64 (9·64·64+64=36,928), 22→11, dense 7744·128+128=991,360", () => {
    expect(table(REFERENCE.Model3)).toContainEqual(["conv2d_3", "22x22x64", 36_928]);
    expect(table(REFERENCE.Model3)).toContainEqual(["flatten_1", "7744", 0]);
    expect(table(REFERENCE.Model3)).toContainEqual(["dense_1", "128", 991_360]);
    // 320 + 18,496 + 36,928 + 991,360 + 1,290
    expect(summarize(REFERENCE.Model3).totalParams).toBe(1_048_394);
  });

  it("Model4: no pooling, flatten 24·24·64=36,864, dense 36,864·128+128=4,718,720", () => {
    expect(table(REFERENCE.Model4).map(([name]) => name)).not.toContain("max_pooling2d_1");
    expect(table(REFERENCE.Model4)).toContainEqual(["dense_1", "128", 4_718_720]);
    // 320 + 18,496 + 4,718,720 + 1,290
    expect(summarize(REFERENCE.Model4).totalParams).toBe(4_738_826);
  });

  it("Model5: pool 4 turns 24x24 into 6x6, dense 2304·128+128=295,040", () => {
    expect(table(REFERENCE.Model5)).toContainEqual(["max_pooling2d_1", "6x6x64", 0]);
    // 320 + 18,496 + 295,040 + 1,290
    expect(summarize(REFERENCE.Model5).totalParams).toBe(315_146);
  });

  it("Model6: no hidden dense, flatten 9216 → dense 10 (92,170)", () => {
    expect(table(REFERENCE.Model6).slice(-2)).toEqual([
      ["flatten_1", "9216", 0],
      ["dense_1", "10", 92_170],
    ]);
    // 320 + 18,496 + 92,170
    expect(summarize(REFERENCE.Model6).totalParams).toBe(110_986);
  });

  it("counts forward FLOPs as 2 × multiply-adds of conv and dense layers", () => {
    const flops = 2 * (26 * 26 * 32 * 9 + 24 * 24 * 64 * 9 * 32 + 9216 * 128 + 128 * 10);
    expect(summarize(REFERENCE.Model1).flopsPerImage).toBe(flops);
  });
});

describe("summarizeModel shape rules", () => {
  it("same padding gives ceil(in / stride); pooling strides default to the size; avg pooling has its Keras name", () => {
    const rows = summarize({
      conv: [{ filters: 8, kernel: 3, strides: 2, padding: "same" }],
      pool: { type: "avg", size: 3, padding: "same" },
      conv_dropout: 0,
      dense: [],
    }).layers;
    expect(rows.map((r) => [r.name, r.type, r.outputShape.join("x")])).toEqual([
      ["conv2d_1", "Conv2D", "14x14x8"],
      ["average_pooling2d_1", "AveragePooling2D", "5x5x8"],
      ["flatten_1", "Flatten", "200"],
      ["dense_1", "Dense", "10"],
    ]);
  });

  it("explicit pool strides and rectangular kernels follow floor((in − k) / s) + 1", () => {
    const rows = summarize({ conv: [{ filters: 4, kernel: [5, 3] }], pool: { size: 3, strides: 2 } }).layers;
    expect(rows[0]?.outputShape).toEqual([24, 26, 4]);
    expect(rows[0]?.params).toBe(5 * 3 * 1 * 4 + 4);
    expect(rows[1]?.outputShape).toEqual([11, 12, 4]);
  });

  it("throws a UsageError naming the layer and the shapes when the stack collapses", () => {
    const collapse = () =>
      summarize({ conv: [{ filters: 32 }, { filters: 64 }, { filters: 64 }, { filters: 64 }], pool: { size: 30 } });
    expect(collapse).toThrow("max_pooling2d_1: pool size 30x30 is bigger than its input 20x20x64");
    try {
      collapse();
    } catch (error) {
      expect(isUsageError(error)).toBe(true);
    }
    expect(() => summarize({ input_shape: [4, 4, 1], conv: [{ filters: 2, kernel: 5 }] })).toThrow(
      "conv2d_1: kernel 5x5 is bigger than its input 4x4x1",
    );
  });

  it("rejects layers fed the wrong rank", () => {
    expect(() => summarizeModel([8, 8, 1], [{ kind: "dense", units: 3, activation: "relu" }])).toThrow(
      "dense_1: needs a flat input, got 8x8x1",
    );
    expect(() =>
      summarizeModel(
        [8, 8, 1],
        [{ kind: "flatten" }, { kind: "pool2d", mode: "max", size: [2, 2], strides: [2, 2], padding: "valid" }],
      ),
    ).toThrow("max_pooling2d_1: needs an image input (h, w, c), got 64");
  });
});
