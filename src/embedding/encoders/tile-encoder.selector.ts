import { availableParallelism } from 'node:os';
import type { BackendName } from '../../training/backend';
import type { NamedArrays } from '../../training/networks/parameter-set';
import type { Paradigm } from '../../training/setups';
import { InferenceUnavailableError } from './inference-unavailable.error';
import { loadOnnxRuntime, ONNXRUNTIME_MODULE } from './onnx-session';
import { OnnxTileEncoder } from './onnx-tile.encoder';
import { TfjsTileEncoder } from './tfjs-tile.encoder';
import type { InferenceChoice, TileEncoder } from './tile-encoder';
import { errorMessage } from '../../util/error-text';

/** A trained encoder in both forms: the weights for tfjs, the exported ONNX model for onnxruntime. */
export interface EncoderSource {
  paradigm: Paradigm;
  weights: NamedArrays;
  /** the ONNX file's bytes; asked for only when onnxruntime is tried */
  onnxModel(): Promise<Uint8Array>;
}

export interface InferenceOptions {
  inference: InferenceChoice;
  /** threads of either runtime; default one per core */
  threads?: number;
  /** the tfjs backend of the wasm path */
  backend?: BackendName | 'auto';
  /** where onnxruntime is loaded from: a test points it at a module that fails */
  onnxModule?: string;
  /** the one line said when auto falls back to tfjs */
  warn(message: string): void;
}

/**
 * Opens the encoder on the runtime the options ask for: onnxruntime-node where it loads (auto,
 * onnx), else tfjs. A native library that is missing or broken costs one warning and the wasm
 * path under auto; a forced onnx that cannot load is an InferenceUnavailableError naming why.
 */
export async function openTileEncoder(source: EncoderSource, options: InferenceOptions): Promise<TileEncoder> {
  const threads = options.threads ?? availableParallelism();
  if (options.inference !== 'wasm') {
    try {
      return await OnnxTileEncoder.open(await source.onnxModel(), threads, options.onnxModule ?? ONNXRUNTIME_MODULE);
    } catch (error) {
      const reason = reasonOf(error);
      if (options.inference === 'onnx') throw new InferenceUnavailableError(`MORPHOSPACE_INFERENCE=onnx, but onnxruntime-node cannot run the encoder: ${reason}`);
      options.warn(`onnxruntime-node is unavailable (${reason}); embedding with tfjs (wasm) instead`);
    }
  }
  return TfjsTileEncoder.open(source.paradigm, source.weights, { backend: options.backend, threads });
}

/**
 * For processes that start with MORPHOSPACE_INFERENCE=onnx: refuse to start (exit 2, with the
 * loader's reason) rather than fail every embed job later.
 */
export function checkForcedInference(inference: InferenceChoice, onnxModule = ONNXRUNTIME_MODULE): void {
  if (inference !== 'onnx') return;
  try {
    loadOnnxRuntime(onnxModule);
  } catch (error) {
    throw new InferenceUnavailableError(`MORPHOSPACE_INFERENCE=onnx, but onnxruntime-node cannot be loaded: ${reasonOf(error)}`);
  }
}

/** The loader's reason in one line: its message's first. */
function reasonOf(error: unknown): string {
  return errorMessage(error).split('\n')[0];
}
