import * as tf from '@tensorflow/tfjs-core';
import type { SeededRandom } from '../../util/seeded-random';
import { applyConv, applyConvReluPool, conv3x3, type Conv3x3 } from './layers';
import type { ParameterSet } from './parameter-set';

export const REPRESENTATION_SHAPE = [16, 16, 8] as const;
export const REPRESENTATION_DIM = 16 * 16 * 8;

/**
 * The study's encoder on a 64x64 crop of C channels (NHWC [n,64,64,C]; C = 1 for a grey
 * screen, the study's case; only the first layer's width follows C): conv3x3 64, ReLU,
 * maxpool; conv 32, ReLU, maxpool; conv 16, ReLU; conv 8 (no activation, as in the
 * reference) -> [n,16,16,8], flattened to the 2048-d representation (HWC order).
 */
export class Encoder {
  private readonly convs: Conv3x3[];

  constructor(params: ParameterSet, prefix: string, rng: SeededRandom, inputChannels = 1) {
    this.convs = [
      conv3x3(params, `${prefix}.conv1`, inputChannels, 64, rng),
      conv3x3(params, `${prefix}.conv2`, 64, 32, rng),
      conv3x3(params, `${prefix}.conv3`, 32, 16, rng),
      conv3x3(params, `${prefix}.conv4`, 16, 8, rng),
    ];
  }

  /** [n,16,16,8] */
  featureMap(x: tf.Tensor4D): tf.Tensor4D {
    const [c1, c2, c3, c4] = this.convs;
    let h = applyConvReluPool(c1, x, false);
    h = applyConvReluPool(c2, h);
    h = applyConv(c3, h, true);
    return applyConv(c4, h, false);
  }

  /** [n,2048] */
  apply(x: tf.Tensor4D): tf.Tensor2D {
    return tf.reshape(this.featureMap(x), [x.shape[0], REPRESENTATION_DIM]);
  }

  /**
   * [n,2048] for inference only (no gradient), the same values as apply(). Each ReLU rides
   * in its convolution's kernel and the pools follow (maxpool(relu(z)) = relu(maxpool(z))):
   * the training path's separate ReLU pass over the pooled 32x32x64 maps, and its gradient
   * wrappers, cost ~10% of a forward pass on one wasm thread.
   */
  infer(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      const [c1, c2, c3, c4] = this.convs;
      const conv = (layer: Conv3x3, input: tf.Tensor4D, activation: 'relu' | 'linear') =>
        tf.fused.conv2d({ x: input, filter: layer.weight as tf.Tensor4D, bias: layer.bias, strides: 1, pad: 'same', activation });
      let h = tf.maxPool(conv(c1, x, 'relu'), 2, 2, 'valid');
      h = tf.maxPool(conv(c2, h, 'relu'), 2, 2, 'valid');
      h = conv(c3, h, 'relu');
      return tf.reshape(conv(c4, h, 'linear'), [x.shape[0], REPRESENTATION_DIM]);
    });
  }
}
