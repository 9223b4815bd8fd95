import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useBackend } from "../../test/backends.js";
import { encodeCheckpoint, restoreCheckpoint } from "./checkpoint.js";

const state = { epoch: 3, randomState: 7, iterations: 30, history: [] };
let weights: tf.Variable[];

beforeAll(async () => {
  await useBackend("cpu");
  weights = [tf.variable(tf.tensor([1, 2, 3, 4], [2, 2])), tf.variable(tf.tensor([5, 6], [2]))];
});
afterAll(() => {
  for (const weight of weights) weight.dispose();
});

describe("restoreCheckpoint", () => {
  it("restores the weights and state it encoded", async () => {
    const bytes = await encodeCheckpoint(state, weights);
    weights[0]?.assign(tf.zeros([2, 2]));
    expect(restoreCheckpoint(bytes, weights)).toEqual(state);
    expect(Array.from(await (weights[0] as tf.Variable).data())).toEqual([1, 2, 3, 4]);
  });

  it.each([
    ["a header that is not JSON", () => withHeader("{not json")],
    ["a JSON header without shapes", () => withHeader('"text"')],
    ["a header length past the end", () => new Uint8Array([255, 255, 0, 0, 1, 2])],
  ])("refuses %s as a DeterministicTrialError", (_case, bytes) => {
    expect(() => restoreCheckpoint(bytes(), weights)).toThrow(
      expect.objectContaining({ name: "DeterministicTrialError", message: expect.stringMatching(/^checkpoint: /) }),
    );
  });
});

/** A checkpoint-shaped buffer whose header is `text`. */
function withHeader(text: string): Uint8Array {
  const json = new TextEncoder().encode(text);
  const bytes = new Uint8Array(4 + json.length);
  new DataView(bytes.buffer).setUint32(0, json.length, true);
  bytes.set(json, 4);
  return bytes;
}
