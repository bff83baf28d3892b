import * as fs from 'node:fs';
import os from 'node:os';
import * as path from 'node:path';
import { Worker as NodeWorker, type WorkerOptions } from 'node:worker_threads';

/**
 * Lets the multi-threaded SIMD build of @tensorflow/tfjs-backend-wasm run in Node.
 *
 * tfjs turns threads off in Node (tfjs issue 3830) although the Emscripten output
 * supports worker_threads. Three things stand in the way, each handled here:
 * - tfjs hands Emscripten a Blob URL for the pthread worker script and a Blob for the
 *   main script; Node's Worker cannot load either. We write the worker script to a
 *   file and make the worker `require` the factory module from node_modules.
 * - the WASM_HAS_MULTITHREAD_SUPPORT flag is hard-wired to false in Node.
 * - the C++ side caps the pool at os.cpus().length / 2 (it assumes hyper-threads), so
 *   on a 2-core machine it would never use more than one thread. We report a doubled
 *   CPU list while the module instantiates, then restore os.cpus.
 *
 * Must run before the wasm backend is first initialised; `restore` must be called once
 * it is.
 */
export interface ThreadedWasmShim {
  restore(): void;
}

let installed = false;

export function installThreadedWasmShim(): ThreadedWasmShim | null {
  if (installed) return { restore: () => undefined };
  if (typeof SharedArrayBuffer === 'undefined') return null;
  const wasmDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const workerModule = path.join(wasmDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js');
  const factoryModule = path.join(wasmDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
  if (!fs.existsSync(workerModule) || !fs.existsSync(factoryModule)) return null;
  const contents = (require(workerModule) as { wasmWorkerContents: string }).wasmWorkerContents;
  const workerFile = path.join(os.tmpdir(), `morphospace-tfjs-wasm-worker-${process.pid}.js`);
  // tfjs escapes newlines the same way before making its Blob (string literals inside).
  fs.writeFileSync(
    workerFile,
    `${contents.replace(/\n/g, '\\n')}\n` +
      `global.importScripts = function () {\n` +
      `  global.WasmBackendModuleThreadedSimd = require(${JSON.stringify(factoryModule)});\n` +
      `};\n`,
  );
  process.once('exit', () => {
    try {
      fs.unlinkSync(workerFile);
    } catch {
      // already gone
    }
  });

  class PthreadWorker extends NodeWorker {
    constructor(filename: string | URL, options?: WorkerOptions) {
      super(String(filename).startsWith('blob:') ? workerFile : filename, options);
      this.unref();
    }

    // Emscripten refs a worker while a pthread runs on it; XNNPACK's pool threads run
    // forever, so a ref would keep the process from ever exiting. The main thread waits
    // for them synchronously anyway.
    override ref(): void {}

    override postMessage(message: unknown, transfer?: readonly never[]): void {
      const msg = message as { cmd?: string; urlOrBlob?: unknown } | null;
      if (msg && msg.cmd === 'load' && typeof msg.urlOrBlob !== 'string') {
        super.postMessage({ ...msg, urlOrBlob: 'factory' }, transfer);
        return;
      }
      super.postMessage(message, transfer);
    }
  }
  // Emscripten assigns global.Worker = worker_threads.Worker when it loads; keep ours.
  Object.defineProperty(globalThis, 'Worker', {
    configurable: true,
    get: () => PthreadWorker,
    set: () => undefined,
  });
  const realCpus = os.cpus;
  (os as { cpus: typeof os.cpus }).cpus = () => {
    const cpus = realCpus.call(os);
    return [...cpus, ...cpus];
  };
  installed = true;
  return {
    restore: () => {
      (os as { cpus: typeof os.cpus }).cpus = realCpus;
    },
  };
}
