import { BatchMatMul, type KernelBackend, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { disposeInfos, runWasmKernel } from './wasm-kernel-utils';

/**
 * The wasm BatchMatMul runs XNNPACK only without transposes and with batch 1; any
 * transpose falls to a naive triple loop (~0.15 GMAC/s), and every dense-layer gradient
 * has one. Transposing the operand explicitly (one XNNPACK transpose) and taking the fast
 * path is one to two orders of magnitude faster. XNNPACK packs the right operand on
 * every call with new data (~25 ns per element here), so a large right operand is
 * avoided where the algebra allows.
 */
export function makeBatchMatMulKernel(original: KernelFunc): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as KernelBackend;
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    const batchA = a.shape.slice(0, -2).reduce((x, y) => x * y, 1);
    const batchB = b.shape.slice(0, -2).reduce((x, y) => x * y, 1);
    if ((!transposeA && !transposeB) || batchA !== 1 || batchB !== 1) return original(args);
    const swap = (t: TensorInfo): TensorInfo => {
      const r = t.shape.length;
      const m = runWasmKernel('Reshape', backend, { x: t }, { shape: [t.shape[r - 2], t.shape[r - 1]] });
      const out = runWasmKernel('Transpose', backend, { x: m }, { perm: [1, 0] });
      disposeInfos(backend, m);
      return out;
    };
    if (transposeB && !transposeA && b.shape[b.shape.length - 2] * 4 > a.shape[a.shape.length - 2]) {
      // out = A.B^T with B the larger operand (e.g. dy . W^T of a dense layer): compute
      // out^T = B.A^T instead, B as stored becomes the left operand (never packed) and
      // only the small A and the small result are transposed.
      const aT = swap(a);
      const outT = original({ ...args, inputs: { a: b, b: aT }, attrs: { ...args.attrs, transposeA: false, transposeB: false } }) as TensorInfo;
      const out2 = swap(outT);
      const shape = [...a.shape.slice(0, -2), a.shape[a.shape.length - 2], b.shape[b.shape.length - 2]];
      const out = runWasmKernel('Reshape', backend, { x: out2 }, { shape });
      disposeInfos(backend, aT, outT, out2);
      return out;
    }
    const a2 = transposeA ? swap(a) : a;
    const b2 = transposeB ? swap(b) : b;
    const out = original({ ...args, inputs: { a: a2, b: b2 }, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
    if (a2 !== a) disposeInfos(backend, a2);
    if (b2 !== b) disposeInfos(backend, b2);
    return out;
  };
  return { kernelName: BatchMatMul, backendName: 'wasm', kernelFunc };
}
