import * as tf from '@tensorflow/tfjs-core';
import { installThreadedWasmShim } from './wasm-node-threads';
import { registerWasmTrainingKernels } from './kernels/register-wasm-training-kernels';

/** Preference order when the backend is chosen automatically. */
export const BACKEND_PREFERENCE = ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_PREFERENCE)[number];

export interface BackendOptions {
  /** a name from BACKEND_PREFERENCE, or 'auto' (the default) */
  backend?: BackendName | 'auto';
  /** wasm threads (XNNPACK pool); default: all cores. Ignored by the other backends. */
  threads?: number;
}

/** What a run records about where it trained. */
export interface BackendInfo {
  /** the tfjs backend name actually in use ('tensorflow' for tfjs-node and -node-gpu) */
  backend: string;
  /** 'gpu' or 'cpu', plus detail, e.g. "cpu (wasm simd, 2 threads)" */
  device: string;
  threads: number;
}

let current: BackendInfo | null = null;

function tryRequire(name: string): unknown {
  try {
    return require(name) as unknown;
  } catch {
    return undefined;
  }
}

async function trySetBackend(name: string): Promise<boolean> {
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

async function tryTensorflow(gpu: boolean): Promise<BackendInfo | null> {
  // Both packages register the 'tensorflow' backend on the shared tfjs-core engine.
  if (tryRequire(gpu ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node') === undefined) return null;
  if (!(await trySetBackend('tensorflow'))) return null;
  return { backend: 'tensorflow', device: gpu ? 'gpu (libtensorflow, CUDA)' : 'cpu (libtensorflow)', threads: 0 };
}

async function tryWebgpu(): Promise<BackendInfo | null> {
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (!g.navigator?.gpu) {
    // the npm package `webgpu` (Dawn for Node) provides navigator.gpu outside browsers
    const dawn = tryRequire('webgpu') as { create?: (flags: string[]) => unknown; globals?: object } | undefined;
    if (!dawn?.create) return null;
    if (dawn.globals) Object.assign(globalThis, dawn.globals);
    Object.defineProperty(globalThis, 'navigator', { configurable: true, value: { ...g.navigator, gpu: dawn.create([]) } });
  }
  if (tryRequire('@tensorflow/tfjs-backend-webgpu') === undefined) return null;
  if (!(await trySetBackend('webgpu'))) return null;
  return { backend: 'webgpu', device: 'gpu (webgpu)', threads: 0 };
}

async function tryWasm(threads: number | undefined): Promise<BackendInfo | null> {
  // loading the package registers the backend and its flags; it initialises on setBackend
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  // One thread: the plain SIMD build. Its heap is an ordinary ArrayBuffer, which V8
  // reads and writes from JS much faster than the threaded build's SharedArrayBuffer.
  const shim = tf.findBackend('wasm') || threads === 1 ? null : installThreadedWasmShim();
  if (shim) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  try {
    if (threads !== undefined) wasm.setThreadsCount(Math.max(1, Math.floor(threads)));
    if (!(await trySetBackend('wasm'))) return null;
  } finally {
    shim?.restore();
  }
  registerWasmTrainingKernels();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const actual = wasm.getThreadsCount();
  return { backend: 'wasm', device: `cpu (wasm${simd ? ' simd' : ''}, ${actual} thread${actual === 1 ? '' : 's'})`, threads: actual };
}

async function tryCpu(): Promise<BackendInfo | null> {
  require('@tensorflow/tfjs-backend-cpu');
  if (!(await trySetBackend('cpu'))) return null;
  return { backend: 'cpu', device: 'cpu (javascript)', threads: 1 };
}

function attempt(name: BackendName, options: BackendOptions): Promise<BackendInfo | null> {
  switch (name) {
    case 'tensorflow-gpu':
      return tryTensorflow(true);
    case 'tensorflow':
      return tryTensorflow(false);
    case 'webgpu':
      return tryWebgpu();
    case 'wasm':
      return tryWasm(options.threads);
    case 'cpu':
      return tryCpu();
  }
}

/**
 * Picks the training backend: the forced one, or the first that works in the order
 * tfjs-node-gpu > tfjs-node > webgpu > wasm > cpu. Optional packages that are not
 * installed are skipped. The wasm thread count is fixed at the first wasm initialisation
 * of the process; later calls report the count in use.
 */
export async function selectBackend(options: BackendOptions = {}): Promise<BackendInfo> {
  const wanted = options.backend ?? 'auto';
  if (current && (wanted === 'auto' || current.backend === wanted || (wanted === 'tensorflow-gpu' && current.backend === 'tensorflow'))) {
    if (tf.getBackend() === current.backend) return current;
  }
  const order: readonly BackendName[] = wanted === 'auto' ? BACKEND_PREFERENCE : [wanted];
  for (const name of order) {
    const info = await attempt(name, options);
    if (info) {
      current = info;
      return info;
    }
  }
  throw new Error(
    wanted === 'auto' ? 'no tfjs backend could be initialised' : `the tfjs backend "${wanted}" is not available here`,
  );
}

export function isBackendName(name: string): name is BackendName {
  return (BACKEND_PREFERENCE as readonly string[]).includes(name);
}
