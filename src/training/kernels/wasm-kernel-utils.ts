import { getKernel, type KernelBackend, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';

/**
 * Custom wasm kernels are built from the backend's own (XNNPACK-backed) kernels, called
 * directly on TensorInfos: no tfjs Tensors, no tape, no engine bookkeeping per call.
 */
export function runWasmKernel(
  name: string,
  backend: KernelBackend,
  inputs: Record<string, TensorInfo> | TensorInfo[],
  attrs: NamedAttrMap = {},
): TensorInfo {
  const config = getKernel(name, 'wasm');
  if (!config) throw new Error(`the wasm backend has no ${name} kernel`);
  const out = config.kernelFunc({ inputs: inputs as Record<string, TensorInfo>, backend, attrs });
  if (Array.isArray(out)) throw new Error(`${name} returned several outputs`);
  return out as TensorInfo;
}

/** Releases intermediates made by runWasmKernel. */
export function disposeInfos(backend: KernelBackend, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/** The wasm backend's view of its heap, typed loosely: it is not part of the public API. */
export interface WasmBackendInternals extends KernelBackend {
  /** with memoryOffset: a tensor over memory allocated elsewhere, nothing allocated */
  makeOutput(shape: number[], dtype: 'float32' | 'int32' | 'bool', memoryOffset?: number): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
  incRef(dataId: object): void;
  getMemoryOffset(dataId: object): number;
  dataIdMap: { delete(dataId: object): boolean };
  wasm: { tfjs: { disposeData(id: number): void } };
}

/**
 * A float32 tensor over part of another's memory, `offset` floats in: a matrix operand
 * taken in place, without a copy. Release it with releaseView, never disposeData (which
 * would free memory the view does not own), before its base is disposed.
 */
export function heapView(backend: WasmBackendInternals, base: TensorInfo, offset: number, shape: number[]): TensorInfo {
  return backend.makeOutput(shape, 'float32', backend.getMemoryOffset(base.dataId) + offset * 4);
}

export function releaseView(backend: WasmBackendInternals, view: TensorInfo): void {
  backend.wasm.tfjs.disposeData((view.dataId as { id: number }).id);
  backend.dataIdMap.delete(view.dataId);
}
