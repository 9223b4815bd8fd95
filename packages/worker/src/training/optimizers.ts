import { KERAS_OPTIMIZER_DEFAULTS, type TrainingSpec } from "@sweep/core";
import * as tf from "@tensorflow/tfjs-core";

/**
 * Keras 2's optimizers, written out (tfjs-core's Adadelta divides by the previous
 * step's accumulator, so its first step is plain SGD and Model1 never learns at lr 1.0).
 * Hyperparameters the training spec leaves out take `KERAS_OPTIMIZER_DEFAULTS`.
 */
export interface KerasOptimizer {
  /** Applies one update from gradients aligned with the weights given at creation. */
  apply(gradients: tf.Tensor[]): void;
  /** The slot variables (accumulators, moments) in a fixed order, for checkpoints. */
  readonly slots: tf.Variable[];
  /** Updates applied so far (Keras `iterations`; Adam's bias correction uses it). */
  iterations: number;
  dispose(): void;
}

type Rule = (weight: tf.Variable, gradient: tf.Tensor, slots: tf.Variable[], iteration: number) => void;

export function createOptimizer(training: TrainingSpec, weights: tf.Variable[]): KerasOptimizer {
  const [slotsPerWeight, rule] = optimizerRule(training);
  const slots = weights.flatMap((weight) =>
    Array.from({ length: slotsPerWeight }, () => tf.tidy(() => tf.variable(tf.zerosLike(weight), false))),
  );
  const optimizer: KerasOptimizer = {
    slots,
    iterations: 0,
    apply(gradients) {
      optimizer.iterations += 1;
      tf.tidy(() => {
        weights.forEach((weight, index) => {
          const own = slots.slice(index * slotsPerWeight, (index + 1) * slotsPerWeight);
          rule(weight, gradients[index], own, optimizer.iterations);
        });
      });
    },
    dispose() {
      for (const slot of slots) slot.dispose();
    },
  };
  return optimizer;
}

function optimizerRule(training: TrainingSpec): [number, Rule] {
  switch (training.optimizer) {
    case "adadelta": {
      const defaults = KERAS_OPTIMIZER_DEFAULTS.adadelta;
      const lr = training.learning_rate ?? defaults.learning_rate;
      const rho = training.rho ?? defaults.rho;
      const epsilon = training.epsilon ?? defaults.epsilon;
      return [
        2,
        (weight, g, [accumGrad, accumDelta]) => {
          const newAccumGrad = accumGrad.mul(rho).add(g.square().mul(1 - rho));
          const delta = g.mul(accumDelta.add(epsilon).sqrt()).div(newAccumGrad.add(epsilon).sqrt());
          weight.assign(weight.sub(delta.mul(lr)));
          accumGrad.assign(newAccumGrad);
          accumDelta.assign(accumDelta.mul(rho).add(delta.square().mul(1 - rho)));
        },
      ];
    }
    case "sgd": {
      const defaults = KERAS_OPTIMIZER_DEFAULTS.sgd;
      const lr = training.learning_rate ?? defaults.learning_rate;
      const momentum = training.momentum ?? defaults.momentum;
      const nesterov = training.nesterov ?? defaults.nesterov;
      return [
        1,
        (weight, g, [velocity]) => {
          const newVelocity = velocity.mul(momentum).sub(g.mul(lr));
          velocity.assign(newVelocity);
          const step = nesterov ? newVelocity.mul(momentum).sub(g.mul(lr)) : newVelocity;
          weight.assign(weight.add(step));
        },
      ];
    }
    case "adam": {
      const defaults = KERAS_OPTIMIZER_DEFAULTS.adam;
      const lr = training.learning_rate ?? defaults.learning_rate;
      const beta1 = training.beta_1 ?? defaults.beta_1;
      const beta2 = training.beta_2 ?? defaults.beta_2;
      const epsilon = training.epsilon ?? defaults.epsilon;
      return [
        2,
        (weight, g, [m, v], t) => {
          const lrT = (lr * Math.sqrt(1 - beta2 ** t)) / (1 - beta1 ** t);
          const newM = m.mul(beta1).add(g.mul(1 - beta1));
          const newV = v.mul(beta2).add(g.square().mul(1 - beta2));
          weight.assign(weight.sub(newM.mul(lrT).div(newV.sqrt().add(epsilon))));
          m.assign(newM);
          v.assign(newV);
        },
      ];
    }
    case "rmsprop": {
      const defaults = KERAS_OPTIMIZER_DEFAULTS.rmsprop;
      const lr = training.learning_rate ?? defaults.learning_rate;
      const rho = training.rho ?? defaults.rho;
      const epsilon = training.epsilon ?? defaults.epsilon;
      return [
        1,
        (weight, g, [accum]) => {
          const newAccum = accum.mul(rho).add(g.square().mul(1 - rho));
          weight.assign(weight.sub(g.mul(lr).div(newAccum.sqrt().add(epsilon))));
          accum.assign(newAccum);
        },
      ];
    }
  }
}
