import * as tf from '@tensorflow/tfjs-core';
import type { SeededRandom } from '../../util/seeded-random';
import { applyDense, dense, type Dense } from './layers';
import type { ParameterSet } from './parameter-set';

/** 2048 -> 256 -> LeakyReLU(0.01) -> 2 logits (control, drug); no softmax. */
export class ClassifierHead {
  private readonly hidden: Dense;
  private readonly out: Dense;

  constructor(params: ParameterSet, prefix: string, inputDim: number, rng: SeededRandom, hidden = 256, classes = 2) {
    this.hidden = dense(params, `${prefix}.fc1`, inputDim, hidden, rng);
    this.out = dense(params, `${prefix}.fc2`, hidden, classes, rng);
  }

  logits(x: tf.Tensor2D): tf.Tensor2D {
    return applyDense(this.out, tf.leakyRelu(applyDense(this.hidden, x), 0.01));
  }

  /** P(drug) per row: [n]. Call inside tf.tidy: the intermediates are not disposed here. */
  drugProbability(x: tf.Tensor2D): tf.Tensor1D {
    return tf.reshape(tf.slice(tf.softmax(this.logits(x)), [0, 1], [-1, 1]), [-1]);
  }
}
