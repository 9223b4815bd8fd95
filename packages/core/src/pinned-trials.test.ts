import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { expandTrials } from "./expand-trials.js";
import { parseSweepConfig } from "./parse-sweep-config.js";
import { sweepIdFor } from "./sweep-id.js";

/**
 * Sweep ids and trial keys of flat model specs (conv, pool, conv_dropout), as main
 * computed them before conv blocks, batch normalization and global heads existed
 * (`sweepIdFor` + `expandTrials` at commit 3147265). A change to the model language
 * must leave every one of them as it is: a stored sweep is found again by its id,
 * and a trial's key decides what collapses.
 */
const PINNED: Record<string, { sweepId: string; trials: string[] }> = {
  "mnist-keras-study.yaml": {
    sweepId: "mnist-keras-study-b60a8d5f",
    trials: [
      "t000 8243cf68023b0b014db3e7d7d61d941394b7a6366da29f597f41eadb953ca58a",
      "t001 a0bad799a46c78433a2c76b4876e6bb9da808555633217324c9095a5b1bb8864",
      "t002 d2f990518915bea10030dc37f0c799734f0273c2ac8193c965fa8ddff6c88c05",
      "t003 2a6cc27a1ff90500f782aeccaadc083079c43d914bab7675fc57977e1be578f8",
      "t004 f0c32e70030874bf901208d3b6fc58fe53c16fe0881fccb393766a1c2c2efed5",
      "t005 7a17d0b7f8b99acd681e0beacb537029cabea7dc7f72dfa487392b8a49c95499",
    ],
  },
};

/**
 * examples/mnist-quick.yaml as it was when the pins were taken (12 trials on 500 images);
 * the example has since changed, its ids with it.
 */
const QUICK_GRID_2026_11 = `
# yaml-language-server: $schema=../docs/sweep.schema.json
#
# A quick grid to try the whole system: conv depth × pool size × hidden dense
# layers on a small slice of MNIST, up to 15 epochs each. 12 small trials, about
# half a minute on two cores. 400 training images are few enough that the bigger
# variants start to overfit within 15 epochs: they are flagged and pruned.
#
#   sweep plan examples/mnist-quick.yaml
name: MNIST quick grid
description: Conv depth x pool size x dense layers on 500 images, up to 15 epochs.
method: grid
metric: { name: val_loss, goal: minimize }

# Narrower than the reference Model1 (16/32 filters) so each trial takes seconds.
model:
  conv: [{ filters: 16 }, { filters: 32 }]
  pool: { size: 2 }
  dense: [64]

parameters:
  # conv depth: one or two 3x3 convs
  model.conv:
    values:
      - [{ filters: 16 }]
      - [{ filters: 16 }, { filters: 32 }]
  # pool size: 2 or 4 (null would mean no pooling: large, slow models)
  model.pool.size: { values: [2, 4] }
  # hidden dense layers between Flatten and the classifier
  model.dense: { values: [[], [64], [64, 32]] }

training:
  epochs: 15
  batch_size: 32
  optimizer: adadelta # Keras defaults: learning rate 1.0, rho 0.95
  validation_split: 0.2
  seed: 1

dataset:
  source: mnist
  train_limit: 500 # the first 500 training images (100 of them validate)
  test_limit: 1000

# Stop a trial once val_loss has stayed above its best for 2 epochs while loss falls.
early_terminate: { type: overfit, patience: 2 }
run_cap: 12
`;

const QUICK_GRID_2026_11_PINNED = {
  sweepId: "mnist-quick-grid-f013da95",
  trials: [
    "t000 643a2a501b8b89f05bfdfca1e09b1b3d4307b4959e18969f5f302c00d7d34482",
    "t001 6b698ca114de3875e35461ea1f58adc33b7f672833ee1c28a7c73cf4c9e79005",
    "t002 ae05762408ed831dd4dd3281487e51aa9d37e8d5aa0a8a6ebda704ef3c68d1f7",
    "t003 72a9fb00e7e6c6210136d58d9383f743aae318212542c85870be63b114c1db92",
    "t004 e2236c2b84ab89f45a4752ad38ef67ad65f0fe1be2748e6a149279b0b344ece2",
    "t005 f17c7336189c67bc2ab4195c73580d85a09b0b84081c71eb1b30fefbddb06c75",
    "t006 1ddb660607c282410e6555a4fba807263982553923417d78a8a177139e64c97d",
    "t007 0f519c0ce5858bce545ba3dcc779bde04a888edf4da87d9bd58bf1bb95baa222",
    "t008 192e9d4bb84d365522e113a80237a9e279db2ce042fc2a9b2eb0a9628fa37f7f",
    "t009 471107609fffed201a7a1bc102b285393522641373f4ebed49dd06c057a2399c",
    "t010 b34cc277cc7692e63a4ed102be34bd0c5330ffa3bfa11189d661e3034dccbaf1",
    "t011 943d9c19f7a0886ae3ec3e2b0280f706e4e5bfb0c7bb484e64e1396d915b37f1",
  ],
};

/** Every flat feature at once: kernel pairs, strides, same padding, activations, avg pooling, no convs. */
const FLAT_VARIETY = `
name: Flat variety
parameters:
    model.conv:
      values:
        - [{filters: 8, kernel: [3, 5], strides: 2, padding: same, activation: tanh}]
        - [{filters: 8}, {filters: 16, kernel: 5, activation: sigmoid}]
        - []
    model.pool: {values: [null, {type: avg, size: 3, strides: 2, padding: same}]}
    model.dense: {values: [[], [{units: 32, activation: tanh}, 16]]}
    model.conv_dropout: {values: [0, 0.5]}
training: {epochs: 3, optimizer: adam}
dataset: {train_limit: 100}
`;

const FLAT_VARIETY_PINNED = {
  sweepId: "flat-variety-9509a9f1",
  trials: [
    "t000 a2f6bb9ba006f02eab02f62d976c67a93ae35bb16ae377f86e4a7d462ca497d4",
    "t001 798c4067255d5ba15a4f4374a5139c02dc36bb7a140a2f50ec318f3ce35f0c78",
    "t002 cb4f50c5663844ac183e8de34b0b5915b3d2aa53482b5e3e5b3f5621044b8928",
    "t003 dd44ac0cd4837ce7a218e8f15585344b57b64af90c138841cc707b6ffc4261b3",
    "t004 b4944cff12998760b99137f62a248d68aee3241cb0f03a568734948420a8837c",
    "t005 6f7886ddd7d77f5b3295e97511e2d5726bb481b9bdf0d1e3f3539682d698ef64",
    "t006 fe6db66ada6173a5be96b6ceac1b20ffa062375fc4f2d613125aac18becf3d4d",
    "t007 01b91579d569b6cc2c3541c1d36ffe9bd2ead47623dfcaaa60443330410c7b1d",
    "t008 ccc1552092511307170005b2483e94f0e70e573aa1639060d1219c669b05cf76",
    "t009 04959b72906b4d083038535ff23f994dfe0f334fc02427f1cad72ba573f7d694",
    "t010 88e5f364169e7c5a98547fd6d5d66d0cca216e9b4e16d9347e1423291a33fa47",
    "t011 34ea98d71691b6250f251ff5f469ebf9092932e8c77b09470d6f92ebbaa0e289",
    "t012 299f9d6bb5405c300191cc597eebffc16b3b064bbc21d798f021e8db5db6bf9f",
    "t013 854dfc32259f2ecd218122100b11adc7ae8eb006ca57099af2ff04ab9ef97057",
    "t014 c90264199b661cd5244d60f10ef83b767ccda0d3d3923843462237fecce605b2",
    "t015 aae6da680390d57b9b13f041e0a2e8a3e76098f638ee0e6b502359ec9bb08190",
    "t016 bea9643cea63bcb76a18696eae26409c3b7a9073ded649b334bd8eae4bb4b0f8",
    "t017 eb4baf97d41ba2c5b53cd73152344fbdab043f7a21156ab088e88425677b1e1b",
    "t018 46c7593da108f64382f09b12e1bd1d09ea8706908297cace717f3e89fb5faa0f",
    "t019 7bb1dbf1daddc77549a642a478ba41055ccdeb4df06c2c9c6880c7c67520b9a5",
    "t020 052a18f2f65d332a6a98404d49b8f3d05dae1841ddd8473f37b9ee82cea51b0e",
    "t021 a825675675d70d4ffcbb19668edd318468b8bd3556ded804e250a72575f13275",
    "t022 438475b6718a066e4c4cb880ede4aa57e62685523e89f7cc15404136fb030b37",
    "t023 8ce99087c49282e4a9901c26944f6d83318ed85f541123c4d42f95e046f9e25b",
  ],
};

function idsAndKeys(yaml: string, source: string) {
  const config = parseSweepConfig(yaml, source);
  const sweepId = sweepIdFor(config);
  return { sweepId, trials: expandTrials(config, sweepId).map((trial) => `${trial.id.slice(-4)} ${trial.key}`) };
}

describe("flat model specs keep their sweep ids and trial keys", () => {
  for (const [file, pinned] of Object.entries(PINNED)) {
    it(`examples/${file}`, () => {
      const yaml = readFileSync(new URL(`../../../examples/${file}`, import.meta.url), "utf8");
      expect(idsAndKeys(yaml, file)).toEqual(pinned);
    });
  }

  it("examples/mnist-quick.yaml of 2026-11", () => {
    expect(idsAndKeys(QUICK_GRID_2026_11, "mnist-quick.yaml")).toEqual(QUICK_GRID_2026_11_PINNED);
  });

  it("a grid over every flat feature", () => {
    expect(idsAndKeys(FLAT_VARIETY, "variety.yaml")).toEqual(FLAT_VARIETY_PINNED);
  });
});
