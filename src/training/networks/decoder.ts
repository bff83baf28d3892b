import * as tf from '@tensorflow/tfjs-core';
import type { SeededRandom } from '../../util/seeded-random';
import { applyConv, conv3x3, upsample2, type Conv3x3 } from './layers';
import type { ParameterSet } from './parameter-set';
import { REPRESENTATION_SHAPE } from './encoder';

/**
 * Mirror of the encoder, as in the reference: 8 -> 32 (ReLU), upsample x2, 32 -> 64
 * (ReLU), upsample x2, 64 -> 64 (ReLU), 64 -> C (the encoder's input channels). The reference's stride-1
 * ConvTranspose2d(k=3, padding=1) is a 'same' convolution with a flipped kernel, so
 * plain convolutions express the same family of functions. Returns logits; the image
 * is their sigmoid, and the BCE loss is taken on the logits for stability.
 */
export class Decoder {
  private readonly convs: Conv3x3[];

  constructor(params: ParameterSet, prefix: string, rng: SeededRandom, outputChannels = 1) {
    this.convs = [
      conv3x3(params, `${prefix}.conv1`, 8, 32, rng),
      conv3x3(params, `${prefix}.conv2`, 32, 64, rng),
      conv3x3(params, `${prefix}.conv3`, 64, 64, rng),
      conv3x3(params, `${prefix}.conv4`, 64, outputChannels, rng),
    ];
  }

  /** code: [n,2048] -> logits [n,64,64,C] */
  logits(code: tf.Tensor2D): tf.Tensor4D {
    const [d1, d2, d3, d4] = this.convs;
    const [h, w, c] = REPRESENTATION_SHAPE;
    let x = tf.reshape(code, [code.shape[0], h, w, c]) as tf.Tensor4D;
    x = upsample2(applyConv(d1, x, true));
    x = upsample2(applyConv(d2, x, true));
    x = applyConv(d3, x, true);
    return applyConv(d4, x, false);
  }

  reconstruct(code: tf.Tensor2D): tf.Tensor4D {
    return tf.sigmoid(this.logits(code));
  }
}
