import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxTileEncoder } from '../../../src/embedding/encoders/onnx-tile.encoder';
import { TfjsTileEncoder } from '../../../src/embedding/encoders/tfjs-tile.encoder';
import { buildEncoderOnnx, metadataProps, onnxInputChannels } from '../../../src/embedding/onnx/encoder-onnx.builder';
import { selectBackend } from '../../../src/training/backend';
import type { NamedArrays } from '../../../src/training/networks/parameter-set';
import { createParadigm } from '../../../src/training/paradigms/create-paradigm';
import { SeededRandom } from '../../../src/util/seeded-random';

const METADATA = { runId: 'test-run', paradigm: 'weakly-supervised', epoch: 1, tileSize: 64, aggregation: 'mean' } as const;

describe('a 3-channel encoder exported to ONNX', () => {
  let dir: string;
  let weights: NamedArrays;
  const count = 12;
  const rng = new SeededRandom('onnx-channels');
  // NHWC tiles, the channels differing everywhere
  const tiles = Float32Array.from({ length: count * 64 * 64 * 3 }, (_, i) => (i % 3 === 0 ? rng.uniform(0, 1) : i % 3 === 1 ? ((i / 3) % 64) / 64 : 0.3));

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'morphospace-onnx-channels-'));
    await selectBackend({ backend: 'wasm', threads: 1 });
    const paradigm = createParadigm('weakly-supervised', { seed: 3, inputChannels: 3 });
    weights = paradigm.exportWeights();
    paradigm.dispose();
  });
  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('takes [batch, 3, 64, 64] and gives the tfjs vectors of the NHWC tiles to 1e-4', async () => {
    const model = buildEncoderOnnx(weights, METADATA);
    expect(onnxInputChannels(model)).toBe(3);
    expect(metadataProps(METADATA, 3)['input.layout']).toMatch(/\[batch, 3, 64, 64\]/);
    const tfjs = await TfjsTileEncoder.open('weakly-supervised', weights, { backend: 'wasm', threads: 1 });
    const native = await OnnxTileEncoder.open(model, 1);
    try {
      const [expected, actual] = [await tfjs.encode(tiles, count), await native.encode(tiles, count)];
      expect(actual).toHaveLength(count * 2048);
      let maxDifference = 0;
      let maxMagnitude = 0;
      for (let i = 0; i < expected.length; i += 1) {
        maxDifference = Math.max(maxDifference, Math.abs(expected[i] - actual[i]));
        maxMagnitude = Math.max(maxMagnitude, Math.abs(expected[i]));
      }
      expect(maxMagnitude).toBeGreaterThan(0.01);
      expect(maxDifference).toBeLessThan(1e-4 * Math.max(1, maxMagnitude));
    } finally {
      await tfjs.dispose();
      await native.dispose();
    }
  });
});
