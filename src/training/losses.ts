import * as tf from '@tensorflow/tfjs-core';

/** Mean cross-entropy of raw logits [n,k] against integer labels [n] (no softmax before). */
export function crossEntropyFromLogits(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  const classes = logits.shape[1];
  const oneHot = tf.oneHot(tf.cast(labels, 'int32'), classes);
  const logProbs = tf.logSoftmax(logits);
  return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, logProbs), 1))) as tf.Scalar;
}

/**
 * Mean binary cross-entropy of sigmoid(logits) against targets in [0,1]: what
 * F.binary_cross_entropy(sigmoid(z), x) computes, but evaluated as
 * max(z,0) - x*z + log(1+exp(-|z|)) with the exact gradient (sigmoid(z) - x)/N, so
 * no log of a saturated sigmoid and a two-op backward pass.
 */
export const binaryCrossEntropyFromLogits = tf.customGrad(
  ((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [logits, targets, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([logits, targets]);
    const value = tf.mean(
      tf.add(tf.sub(tf.relu(logits), tf.mul(targets, logits)), tf.log1p(tf.exp(tf.neg(tf.abs(logits))))),
    );
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [z, x] = saved;
        const scale = tf.div(dy, z.size);
        return [tf.mul(tf.sub(tf.sigmoid(z), x), scale), tf.mul(tf.neg(z), scale)];
      },
    };
  }) as Parameters<typeof tf.customGrad>[0],
) as (logits: tf.Tensor, targets: tf.Tensor) => tf.Scalar;

/** BYOL's 2 - 2 cos(p, t), averaged over the batch. */
export function byolLoss(online: tf.Tensor2D, target: tf.Tensor2D): tf.Scalar {
  const p = l2Normalize(online);
  const t = l2Normalize(target);
  return tf.mean(tf.sub(2, tf.mul(2, tf.sum(tf.mul(p, t), 1))));
}

/** F.normalize: x / max(||x||, 1e-12) along the last axis. */
export function l2Normalize(x: tf.Tensor2D): tf.Tensor2D {
  const norm = tf.maximum(tf.sqrt(tf.sum(tf.square(x), 1, true)), 1e-12);
  return tf.div(x, norm);
}
