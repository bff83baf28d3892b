import { Identity, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackendInternals } from './wasm-kernel-utils';

/**
 * Identity as a shared reference (another count on the same data), as the cpu backend
 * does it, instead of the wasm backend's copy. tfjs clones every tensor it saves for a
 * backward pass; on the decoder's 16M-element activations those copies were ~1% of an
 * autoencoder step. Sharing is safe because no kernel writes into its inputs: tensors are
 * immutable and variables change by taking new data.
 */
export function makeIdentityKernel(fallback: KernelFunc): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype === 'string') return fallback(args);
    (args.backend as WasmBackendInternals).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
  return { kernelName: Identity, backendName: 'wasm', kernelFunc };
}
