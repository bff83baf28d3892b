import * as tf from '@tensorflow/tfjs-core';
import type { MemoryProbe } from './resource.meter';

/** Tensor and GPU memory as the tfjs engine reports them. */
export const tfMemoryProbe: MemoryProbe = {
  tensorBytes: () => tf.memory().numBytes,
  gpuBytes: () => {
    const memory = tf.memory() as tf.MemoryInfo & { numBytesInGPU?: number };
    return typeof memory.numBytesInGPU === 'number' ? memory.numBytesInGPU : null;
  },
};
