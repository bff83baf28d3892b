import * as tf from '@tensorflow/tfjs-core';
import type { CropBatch } from '../data/crops/crop-batch.streamer';
import type { MemoryProbe } from './resource.meter';
import type { TrainingBatch } from './paradigms/trainable-paradigm';

/**
 * Crop batches as tensors. BYOL gets its second view from a second, independent draw of the
 * strategy's crops and augmentations of the same images (row for row).
 */
export function toTrainingBatch(batch: CropBatch, secondView?: CropBatch): TrainingBatch {
  return {
    x: tf.tensor4d(batch.data, batch.shape),
    labels: tf.tensor1d(batch.labels, 'int32'),
    x2: secondView ? tf.tensor4d(secondView.data, secondView.shape) : undefined,
  };
}

export function disposeTrainingBatch(batch: TrainingBatch): void {
  tf.dispose([batch.x, ...(batch.labels ? [batch.labels] : []), ...(batch.x2 ? [batch.x2] : [])]);
}

export const tfMemoryProbe: MemoryProbe = {
  tensorBytes: () => tf.memory().numBytes,
  gpuBytes: () => {
    const memory = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
    return typeof memory.numBytesInGPU === 'number' ? memory.numBytesInGPU : null;
  },
};
