import { describe, expect, it } from "vitest";
import { expandTrials } from "../expand-trials.js";
import { compileLayers } from "../layers.js";
import { modelSchema } from "../model-spec.js";
import { summarizeModel } from "../model-summary.js";
import { parseSweepConfig } from "../parse-sweep-config.js";

/*
 * Block models against Keras. The expected numbers are computed by hand with Keras'
 * own formulas (TensorFlow is not importable here): 'valid' conv/pool output
 * floor((in − k) / s) + 1; Conv2D params kh·kw·cin·f + f; Dense in·units + units;
 * BatchNormalization 4·c params of which 2·c (gamma, beta) are trainable and 2·c
 * (moving mean, moving variance) are not; GlobalAveragePooling2D/GlobalMaxPooling2D
 * (h, w, c) → (c) with no params. Names are Keras 2's auto-names.
 */

function summarize(spec: object) {
  const model = modelSchema.parse(spec);
  return summarizeModel(model.input_shape, compileLayers(model));
}

function table(spec: object) {
  return summarize(spec).layers.map((l) => [l.name, l.type, l.outputShape.join("x"), l.params]);
}

/** 2 blocks × [32, 32] → [64, 64], BN before the activation, max pool 2, GAP head: the bench's block model. */
const TWO_BLOCKS = {
  blocks: [
    { conv: [{ filters: 32 }, { filters: 32 }], pool: { size: 2 }, batch_norm: "before_activation" },
    { conv: [{ filters: 64 }, { filters: 64 }], pool: { size: 2 }, batch_norm: "before_activation" },
  ],
  head: "global_avg",
  dense: [],
};

describe("block models: shapes and params as Keras counts them", () => {
  it("two blocks with BN before the activation and a GAP head", () => {
    expect(table(TWO_BLOCKS)).toEqual([
      ["conv2d_1", "Conv2D", "26x26x32", 320], // 9·1·32 + 32
      ["batch_normalization_1", "BatchNormalization", "26x26x32", 128], // 4·32
      ["activation_1", "Activation", "26x26x32", 0],
      ["conv2d_2", "Conv2D", "24x24x32", 9_248], // 9·32·32 + 32
      ["batch_normalization_2", "BatchNormalization", "24x24x32", 128],
      ["activation_2", "Activation", "24x24x32", 0],
      ["max_pooling2d_1", "MaxPooling2D", "12x12x32", 0],
      ["conv2d_3", "Conv2D", "10x10x64", 18_496], // 9·32·64 + 64
      ["batch_normalization_3", "BatchNormalization", "10x10x64", 256], // 4·64
      ["activation_3", "Activation", "10x10x64", 0],
      ["conv2d_4", "Conv2D", "8x8x64", 36_928], // 9·64·64 + 64
      ["batch_normalization_4", "BatchNormalization", "8x8x64", 256],
      ["activation_4", "Activation", "8x8x64", 0],
      ["max_pooling2d_2", "MaxPooling2D", "4x4x64", 0],
      ["global_average_pooling2d_1", "GlobalAveragePooling2D", "64", 0],
      ["dense_1", "Dense", "10", 650], // 64·10 + 10
    ]);
    // Keras: Total params 66,410; Trainable 66,026; Non-trainable 384 (2·(32+32+64+64)).
    expect(summarize(TWO_BLOCKS).totalParams).toBe(66_410);
    expect(summarize(TWO_BLOCKS).trainableParams).toBe(66_026);
  });

  it("a template repeated by depth doubles its filters; BN after the activation adds no Activation layer", () => {
    const spec = {
      block: { conv: [{ filters: 16 }], pool: {}, batch_norm: "after_activation" },
      depth: 2,
      head: "global_max",
      dense: [32],
    };
    expect(table(spec)).toEqual([
      ["conv2d_1", "Conv2D", "26x26x16", 160], // 9·1·16 + 16
      ["batch_normalization_1", "BatchNormalization", "26x26x16", 64],
      ["max_pooling2d_1", "MaxPooling2D", "13x13x16", 0],
      ["conv2d_2", "Conv2D", "11x11x32", 4_640], // 9·16·32 + 32
      ["batch_normalization_2", "BatchNormalization", "11x11x32", 128],
      ["max_pooling2d_2", "MaxPooling2D", "5x5x32", 0],
      ["global_max_pooling2d_1", "GlobalMaxPooling2D", "32", 0],
      ["dense_1", "Dense", "32", 1_056], // 32·32 + 32
      ["dropout_1", "Dropout", "32", 0],
      ["dense_2", "Dense", "10", 330], // 32·10 + 10
    ]);
    // Total 6,378; trainable 6,282 (non-trainable 2·(16+32) = 96).
    expect(summarize(spec).totalParams).toBe(6_378);
    expect(summarize(spec).trainableParams).toBe(6_282);
  });

  it("a global head on a 1x1 map: (None, C), as Keras builds it and as Flatten gives", () => {
    const spec = { block: { conv: [{ filters: 8 }], pool: {} }, depth: 3, dense: [] };
    expect(table({ ...spec, head: "global_avg" }).slice(-3)).toEqual([
      ["max_pooling2d_3", "MaxPooling2D", "1x1x32", 0],
      ["global_average_pooling2d_1", "GlobalAveragePooling2D", "32", 0],
      ["dense_1", "Dense", "10", 330], // 32·10 + 10
    ]);
    expect(table({ ...spec, head: "global_max" }).at(-2)).toEqual([
      "global_max_pooling2d_1",
      "GlobalMaxPooling2D",
      "32",
      0,
    ]);
    expect(table({ ...spec, head: "flatten" }).at(-2)).toEqual(["flatten_1", "Flatten", "32", 0]);
  });

  it("growth and dropout per block: growth 1.5 rounds 10 → 15 → 23 filters", () => {
    const spec = {
      block: { conv: [{ filters: 10, padding: "same" }], dropout: 0.1, growth: 1.5 },
      depth: 3,
      dense: [],
    };
    expect(table(spec).filter(([, type]) => type === "Conv2D" || type === "Dropout")).toEqual([
      ["conv2d_1", "Conv2D", "28x28x10", 100],
      ["dropout_1", "Dropout", "28x28x10", 0],
      ["conv2d_2", "Conv2D", "28x28x15", 1_365], // 9·10·15 + 15
      ["dropout_2", "Dropout", "28x28x15", 0],
      ["conv2d_3", "Conv2D", "28x28x23", 3_128], // 9·15·23 + 23
      ["dropout_3", "Dropout", "28x28x23", 0],
    ]);
  });

  it("the flat spec with batch_norm normalizes each conv; true means before the activation", () => {
    expect(
      table({ batch_norm: true })
        .slice(0, 7)
        .map(([name]) => name),
    ).toEqual([
      "conv2d_1",
      "batch_normalization_1",
      "activation_1",
      "conv2d_2",
      "batch_normalization_2",
      "activation_2",
      "max_pooling2d_1",
    ]);
    // Model1 (1,199,882) + BN on 32 and 64 channels: 4·96 = 384.
    expect(summarize({ batch_norm: true }).totalParams).toBe(1_200_266);
  });
});

describe("block models in a sweep", () => {
  it("one block written out is the flat spec: same layers, same trial key", () => {
    const config = parseSweepConfig(
      `name: same
parameters:
  model.blocks:
    values:
      - null
      - [{conv: [{filters: 32}, {filters: 64}], pool: {size: 2}, dropout: 0.25}]
`,
      "same.yaml",
    );
    expect(expandTrials(config, "s")).toHaveLength(1);
  });

  it("sweeps depth, batch_norm and head, naming each trial by its values", () => {
    const config = parseSweepConfig(
      `name: depth
model: {block: {conv: [{filters: 8, padding: same}], pool: {size: 2}}, dense: []}
parameters:
  model.depth: {values: [1, 2, 3]}
  model.block.batch_norm: {values: [false, after_activation]}
  model.head: {values: [flatten, global_avg]}
`,
      "depth.yaml",
    );
    const trials = expandTrials(config, "d");
    expect(trials).toHaveLength(12);
    expect(trials[11]?.name).toBe("depth=3 bn=after head=global_avg");
    expect(trials[11]?.layers.filter((layer) => layer.kind === "batch_norm")).toHaveLength(3);
  });
});

describe("bad block specs: one line naming the path", () => {
  const parse = (model: string, parameters = "") =>
    parseSweepConfig(`name: bad\nmodel: ${model}\n${parameters}`, "bad.yaml");

  it("a block that collapses the map names the layer, the block and the shapes", () => {
    expect(() =>
      parse("{block: {conv: [{filters: 8}], pool: {}}, dense: []}", "parameters: {model.depth: {values: [3, 4]}}"),
    ).toThrow(
      'bad.yaml: parameters: trial "depth=4" collapses at conv2d_4 (model.block.conv[0], block 4 of 4): kernel 3x3 is bigger than its input 1x1x32, got {"model.depth":4}',
    );
    expect(() => parse("{blocks: [{conv: [{filters: 8}], pool: {size: 30}}]}")).toThrow(
      'bad.yaml: parameters: trial "base" collapses at max_pooling2d_1 (model.blocks[0].pool): pool size 30x30 is bigger than its input 26x26x8, got {}',
    );
  });

  it("a growth that rounds a block's filters to 0, or past the width limit", () => {
    // 16 × 0.1² = 0.16 rounds to 0: Keras refuses Conv2D(0), so does sweep.
    expect(() => parse("{block: {conv: [{filters: 16}], growth: 0.1}, depth: 3, dense: []}")).toThrow(
      "bad.yaml: model.block.growth: makes block 3 of 3 a conv of 0 filters (16 × 0.1^2 = 0.16, rounded half up); a conv needs at least 1, got 0.1",
    );
    // Half up: 3 × 0.5 = 1.5 → 2, 3 × 0.25 = 0.75 → 1, and 1 × 0.5 = 0.5 → 1.
    const filters = (model: string) =>
      expandTrials(parse(model), "g")[0]?.layers.flatMap((layer) => (layer.kind === "conv2d" ? [layer.filters] : []));
    expect(filters("{block: {conv: [{filters: 3}], growth: 0.5}, depth: 3, dense: []}")).toEqual([3, 2, 1]);
    expect(filters("{block: {conv: [{filters: 1}], growth: 0.5}, depth: 2, dense: []}")).toEqual([1, 1]);
    expect(() => parse("{block: {conv: [{filters: 1024}], growth: 4.5}, depth: 2, dense: []}")).toThrow(
      "bad.yaml: model.block.growth: makes block 2 of 2 a conv of 4608 filters, more than the limit of 4096, got 4.5",
    );
  });

  it("batch normalization on a model without conv layers", () => {
    expect(() => parse("{conv: [], pool: null, batch_norm: after_activation}")).toThrow(
      'bad.yaml: model.batch_norm: normalizes conv layers, but the model has none, got "after_activation"',
    );
    expect(() => parse("{blocks: [{conv: [], batch_norm: true}]}")).toThrow(
      'bad.yaml: model.blocks[0].batch_norm: normalizes conv layers, but the block has none, got "before_activation"',
    );
  });

  it("contradictory forms", () => {
    expect(() => parse("{blocks: [{conv: [{filters: 8}]}], conv: [{filters: 8}]}")).toThrow(
      'bad.yaml: model.conv: is not read by a model built from model.blocks (each block holds its own conv, pool, dropout, batch_norm), got [{"filters":8}]',
    );
    expect(() => parse("{depth: 2}")).toThrow("bad.yaml: model.depth: needs a model.block template to repeat, got 2");
    expect(() => parse("{}", "parameters: {model.depth: {values: [1, 2]}}")).toThrow(
      'bad.yaml: parameters: trial "depth=1": model.depth: needs a model.block template to repeat, got 1',
    );
  });
});
