import * as tf from '@tensorflow/tfjs-core';
import { CROP_SIZE } from '../../data/crops/crop.plan';
import { selectBackend, type BackendName } from '../../training/backend';
import type { NamedArrays } from '../../training/networks/parameter-set';
import { createParadigm } from '../../training/paradigms/create-paradigm';
import type { TrainableParadigm } from '../../training/paradigms/trainable-paradigm';
import type { Paradigm } from '../../training/setups';
import type { TileEncoder } from './tile-encoder';

/** Tiles per forward pass on tfjs wasm: 8 to 64 ran at the same speed on one thread here, 256 ~10% slower. */
const TFJS_BATCH_TILES = 64;

/** The adapter to tfjs: the paradigm's own encoder on the selected backend (wasm unless another loads). */
export class TfjsTileEncoder implements TileEncoder {
  readonly batchTiles = TFJS_BATCH_TILES;

  private constructor(
    private readonly paradigm: TrainableParadigm,
    readonly runtime: string,
    readonly device: string,
  ) {}

  static async open(paradigm: Paradigm, weights: NamedArrays, options: { backend?: BackendName | 'auto'; threads?: number }): Promise<TfjsTileEncoder> {
    const backend = await selectBackend(options);
    // the first layer's width is the channel count the weights were trained on
    const model = createParadigm(paradigm, { seed: 0, inputChannels: weights['encoder.conv1.weight']?.shape[2] ?? 1 });
    try {
      model.importWeights(weights);
    } catch (error) {
      model.dispose();
      throw error;
    }
    return new TfjsTileEncoder(model, backend.backend, `tfjs ${backend.device}`);
  }

  async encode(pixels: Float32Array, count: number): Promise<Float32Array> {
    const channels = this.paradigm.inputChannels;
    const x = pixels.subarray(0, count * CROP_SIZE * CROP_SIZE * channels);
    const out = tf.tidy(() => this.paradigm.encode(tf.tensor4d(x, [count, CROP_SIZE, CROP_SIZE, channels])));
    try {
      return (await out.data()) as Float32Array;
    } finally {
      out.dispose();
    }
  }

  async dispose(): Promise<void> {
    this.paradigm.dispose();
  }
}
