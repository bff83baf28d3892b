import type * as Ort from 'onnxruntime-node';
import { CROP_SIZE } from '../../data/crops/crop.plan';
import { REPRESENTATION_DIM } from '../../training/networks/encoder';
import { ONNX_INPUT, ONNX_OUTPUT } from '../onnx/encoder-onnx.builder';
import type { TileEncoder } from './tile-encoder';

/** The package that holds onnxruntime's native library; tests point the loader elsewhere. */
export const ONNXRUNTIME_MODULE = 'onnxruntime-node';

/**
 * Small batches keep a tile's activations in cache: on one thread here 4-8 tiles ran ~3,300-3,600
 * tiles/s against ~2,500 at 64 and ~2,300 at 128; on two threads 8 was the fastest measured.
 */
const ONNX_BATCH_TILES = 8;

/**
 * The adapter to onnxruntime-node: one inference session over an encoder exported by
 * encoder-onnx.builder.ts. Loading the package loads the native library, so a missing or
 * broken one surfaces here, as a rejected open().
 */
export class OnnxTileEncoder implements TileEncoder {
  readonly runtime = 'onnx';
  readonly batchTiles = ONNX_BATCH_TILES;

  private constructor(
    private readonly ort: typeof Ort,
    private readonly session: Ort.InferenceSession,
    readonly device: string,
  ) {}

  /** Loads onnxruntime-node and with it the native library; throws what the loader says when either is missing or broken. */
  static load(moduleName = ONNXRUNTIME_MODULE): typeof Ort {
    return require(moduleName) as typeof Ort;
  }

  static async open(model: Uint8Array, threads: number, moduleName = ONNXRUNTIME_MODULE): Promise<OnnxTileEncoder> {
    const ort = OnnxTileEncoder.load(moduleName);
    const session = await ort.InferenceSession.create(model, {
      executionProviders: ['cpu'],
      // one session per process: its threads are the process's share of the cores
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    const version = ort.env.versions?.node ?? 'unknown';
    return new OnnxTileEncoder(ort, session, `onnxruntime-node ${version} (cpu, ${threads} thread${threads === 1 ? '' : 's'})`);
  }

  async encode(pixels: Float32Array, count: number): Promise<Float32Array> {
    const input = new this.ort.Tensor('float32', pixels.subarray(0, count * CROP_SIZE * CROP_SIZE), [count, 1, CROP_SIZE, CROP_SIZE]);
    const outputs = await this.session.run({ [ONNX_INPUT]: input });
    const output = outputs[ONNX_OUTPUT];
    if (output.type !== 'float32' || output.dims[0] !== count || output.dims[1] !== REPRESENTATION_DIM) {
      throw new Error(`the ONNX encoder returned ${output.type} [${output.dims}], expected float32 [${count},${REPRESENTATION_DIM}]`);
    }
    return output.data as Float32Array;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
