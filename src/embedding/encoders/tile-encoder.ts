import type { InferenceSetting } from '../../config';

/** onnx (onnxruntime-node), wasm (tfjs, whose backend is wasm unless another loads) or auto: onnx where it loads. */
export type InferenceChoice = InferenceSetting;

/**
 * A trained encoder ready to embed 64x64 tiles of the channels it was trained on (values in
 * [0, 1], NHWC: row-major pixels, channels interleaved, one tile after another). Implemented by the adapters: only they touch onnxruntime or tfjs.
 */
export interface TileEncoder {
  /** what the run records: 'onnx', or the tfjs backend ('wasm', 'tensorflow', ...) */
  readonly runtime: string;
  /** e.g. "onnxruntime-node 1.30.0 (cpu, 1 thread)" */
  readonly device: string;
  /** tiles per session call that runs fastest; callers batch to it */
  readonly batchTiles: number;
  /** [count, 2048] row-major */
  encode(pixels: Float32Array, count: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}
