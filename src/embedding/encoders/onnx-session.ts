import type * as Ort from 'onnxruntime-node';
import { CROP_SIZE } from '../../data/crops/crop.plan';
import { REPRESENTATION_DIM } from '../../training/networks/encoder';
import { ONNX_INPUT, ONNX_OUTPUT, onnxInputChannels } from '../onnx/encoder-onnx.builder';

/** The package that holds onnxruntime's native library; tests point the loader elsewhere. */
export const ONNXRUNTIME_MODULE = 'onnxruntime-node';

/**
 * Small batches keep a tile's activations in cache: on one thread here 4-8 tiles ran ~3,300-3,600
 * tiles/s against ~2,500 at 64 and ~2,300 at 128; on two threads 8 was the fastest measured.
 */
export const SESSION_BATCH_TILES = 8;

/** Loads onnxruntime-node and with it the native library; throws what the loader says when either is missing or broken. */
export function loadOnnxRuntime(moduleName = ONNXRUNTIME_MODULE): typeof Ort {
  return require(moduleName) as typeof Ort;
}

/**
 * The adapter to onnxruntime-node: one inference session over an encoder exported by
 * encoder-onnx.builder.ts, run SESSION_BATCH_TILES tiles at a time.
 */
export class OnnxSession {
  private constructor(
    private readonly ort: typeof Ort,
    private readonly session: Ort.InferenceSession,
    readonly device: string,
    private readonly channels: number,
  ) {}

  static async open(model: Uint8Array, threads: number, moduleName = ONNXRUNTIME_MODULE): Promise<OnnxSession> {
    const ort = loadOnnxRuntime(moduleName);
    const session = await ort.InferenceSession.create(model, {
      executionProviders: ['cpu'],
      // one session per process: its threads are the process's share of the cores
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    const version = ort.env.versions?.node ?? 'unknown';
    return new OnnxSession(ort, session, `onnxruntime-node ${version} (cpu, ${threads} thread${threads === 1 ? '' : 's'})`, onnxInputChannels(model));
  }

  /** [count, 2048] of `count` tiles (NHWC, the model's channels each). */
  async run(pixels: Float32Array, count: number): Promise<Float32Array> {
    const out = new Float32Array(count * REPRESENTATION_DIM);
    const values = CROP_SIZE * CROP_SIZE * this.channels;
    for (let start = 0; start < count; start += SESSION_BATCH_TILES) {
      const n = Math.min(SESSION_BATCH_TILES, count - start);
      const tiles = pixels.subarray(start * values, (start + n) * values);
      const input = new this.ort.Tensor('float32', this.channels === 1 ? tiles : nhwcToNchw(tiles, n, this.channels), [n, this.channels, CROP_SIZE, CROP_SIZE]);
      const output = (await this.session.run({ [ONNX_INPUT]: input }))[ONNX_OUTPUT];
      if (output.type !== 'float32' || output.dims[0] !== n || output.dims[1] !== REPRESENTATION_DIM) {
        throw new Error(`the ONNX encoder returned ${output.type} [${output.dims}], expected float32 [${n},${REPRESENTATION_DIM}]`);
      }
      out.set(output.data as Float32Array, start * REPRESENTATION_DIM);
    }
    return out;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/** Our tiles interleave the channels (NHWC, as tfjs takes them); the ONNX graph takes NCHW. */
function nhwcToNchw(tiles: Float32Array, n: number, channels: number): Float32Array {
  const pixels = CROP_SIZE * CROP_SIZE;
  const out = new Float32Array(tiles.length);
  for (let t = 0; t < n; t += 1) {
    const base = t * pixels * channels;
    for (let i = 0; i < pixels; i += 1) for (let c = 0; c < channels; c += 1) out[base + c * pixels + i] = tiles[base + i * channels + c];
  }
  return out;
}
