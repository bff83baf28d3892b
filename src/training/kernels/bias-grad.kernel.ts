import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackendInternals } from './wasm-kernel-utils';

/** Our own kernel names (no tfjs kernel exists for these fused backward steps). */
export const BIAS_GRAD = 'MorphospaceBiasGrad';
export const RELU_BIAS_GRAD = 'MorphospaceReluBiasGrad';

/**
 * Backward pass of conv + bias (+ ReLU) in one sweep over dy: the ReLU mask applied
 * from the saved output, and the bias gradient (sum over all but the channel axis)
 * accumulated on the way. tfjs would run Step, Multiply and a Sum over the leading axes;
 * the wasm Sum over non-trailing axes transposes first, and was ~10% of a step alone.
 */
function sweep(backend: WasmBackendInternals, dy: TensorInfo, y: TensorInfo | null): TensorInfo[] {
  const channels = dy.shape[dy.shape.length - 1];
  const g = y ? backend.makeOutput(dy.shape, 'float32') : null;
  const db = backend.makeOutput([channels], 'float32');
  // views only after the last allocation: heap growth would detach them
  const d = backend.typedArrayFromHeap(dy) as Float32Array;
  const out = g ? (backend.typedArrayFromHeap(g) as Float32Array) : null;
  const yv = y ? (backend.typedArrayFromHeap(y) as Float32Array) : null;
  const acc = new Float64Array(channels);
  const size = d.length;
  if (out && yv) {
    for (let i = 0; i < size; i += channels) {
      for (let c = 0; c < channels; c += 1) {
        const v = yv[i + c] > 0 ? d[i + c] : 0;
        out[i + c] = v;
        acc[c] += v;
      }
    }
  } else {
    for (let i = 0; i < size; i += channels) {
      for (let c = 0; c < channels; c += 1) acc[c] += d[i + c];
    }
  }
  (backend.typedArrayFromHeap(db) as Float32Array).set(acc);
  return g ? [g, db] : [db];
}

export function makeBiasGradKernels(): KernelConfig[] {
  const biasGrad: KernelFunc = (args) => {
    const { dy } = args.inputs as { dy: TensorInfo };
    return sweep(args.backend as WasmBackendInternals, dy, null)[0];
  };
  const reluBiasGrad: KernelFunc = (args) => {
    const { dy, y } = args.inputs as { dy: TensorInfo; y: TensorInfo };
    return sweep(args.backend as WasmBackendInternals, dy, y);
  };
  return [
    { kernelName: BIAS_GRAD, backendName: 'wasm', kernelFunc: biasGrad },
    { kernelName: RELU_BIAS_GRAD, backendName: 'wasm', kernelFunc: reluBiasGrad },
  ];
}
