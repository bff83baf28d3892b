import * as tf from '@tensorflow/tfjs-core';
import type { SeededRandom } from '../../util/seeded-random';
import { applyBatchNorm, applyDense, batchNorm, dense, type BatchNorm, type Dense } from './layers';
import type { ParameterSet } from './parameter-set';

/** BYOL projector / predictor: Linear -> BatchNorm1d -> ReLU -> Linear. */
export class ProjectionMlp {
  private readonly fc1: Dense;
  private readonly bn: BatchNorm;
  private readonly fc2: Dense;

  constructor(params: ParameterSet, prefix: string, dimIn: number, hidden: number, dimOut: number, rng: SeededRandom) {
    this.fc1 = dense(params, `${prefix}.fc1`, dimIn, hidden, rng);
    this.bn = batchNorm(params, `${prefix}.bn`, hidden);
    this.fc2 = dense(params, `${prefix}.fc2`, hidden, dimOut, rng);
  }

  /** `groups`: batch-norm statistics per equal slice of the batch (one per view). */
  apply(x: tf.Tensor2D, groups = 1): tf.Tensor2D {
    return applyDense(this.fc2, tf.relu(applyBatchNorm(this.bn, applyDense(this.fc1, x), groups)));
  }
}
