import { trainingSchema } from "@sweep/core";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { initBackend } from "../backends/index.js";
import { createOptimizer } from "./optimizers.js";

beforeAll(async () => {
  await initBackend("cpu");
});

/** Runs `gradients.length` updates of one scalar weight starting at 1 and returns its values after each. */
function descend(training: object, gradients: number[]): number[] {
  const weight = tf.variable(tf.scalar(1));
  const optimizer = createOptimizer(trainingSchema.parse(training), [weight]);
  const values = gradients.map((gradient) => {
    const g = tf.scalar(gradient);
    optimizer.apply([g]);
    g.dispose();
    return weight.dataSync()[0];
  });
  optimizer.dispose();
  weight.dispose();
  return values;
}

describe("Keras optimizers", () => {
  it("Adadelta follows Keras: the first step scales by sqrt(epsilon), not by the learning rate", () => {
    // By hand (rho 0.95, epsilon 1e-8, lr 1): accum_g = 0.0125, delta = 0.5·1e-4/sqrt(0.0125) = 4.4721e-4;
    // then accum_dx = 0.05·delta², g = −0.3: accum_g = 0.016375, delta = −0.3·sqrt(1e-8 + 1e-8)/sqrt(0.016375).
    const [first, second] = descend({ optimizer: "adadelta" }, [0.5, -0.3]);
    expect(first).toBeCloseTo(0.9995527865833854, 6);
    expect(second).toBeCloseTo(0.9998843337942376, 6);
  });

  it("SGD with momentum, with and without Nesterov", () => {
    const training = { optimizer: "sgd", learning_rate: 0.1, momentum: 0.9 };
    expect(descend(training, [0.5, 0.5]).map((w) => Number(w.toFixed(6)))).toEqual([0.95, 0.855]);
    expect(descend({ ...training, nesterov: true }, [0.5, 0.5]).map((w) => Number(w.toFixed(6)))).toEqual([
      0.905, 0.7695,
    ]);
  });

  it("Adam's first step is the learning rate (bias corrected), RMSprop's lr·g/sqrt((1−rho)·g²)", () => {
    expect(descend({ optimizer: "adam" }, [0.5])[0]).toBeCloseTo(0.999, 6);
    expect(descend({ optimizer: "rmsprop" }, [0.5])[0]).toBeCloseTo(0.9968377226, 6);
  });
});
