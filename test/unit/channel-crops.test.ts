import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { streamCropBatches, type LabelledImage } from '../../src/data/crops/crop-batch.streamer';
import { parseManifest } from '../../src/data/manifest.codec';
import { generateScreen } from '../../src/data/synthetic/screen.generator';
import { STRATEGIES } from '../../src/training/setups';

describe('grey crop batches', () => {
  const root = mkdtempSync(join(tmpdir(), 'morphospace-grey-crops-'));
  let images: LabelledImage[] = [];

  beforeAll(async () => {
    await generateScreen({ preset: 'tiny', seed: 3, outDir: root, limit: 12 });
    images = parseManifest(readFileSync(join(root, 'manifest.csv'), 'utf8')).map((row) => ({ id: row.path, path: join(root, row.path), label: row.control ? 0 : 1 }));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('are bit for bit what they were before screens had channels', async () => {
    const hash = createHash('sha256');
    for (const strategy of STRATEGIES) {
      for await (const batch of streamCropBatches({ images, batchSize: 5, strategy, seed: 7, epoch: 2 })) {
        hash.update(Buffer.from(batch.data.buffer, batch.data.byteOffset, batch.data.byteLength));
        hash.update(JSON.stringify(batch.shape));
      }
    }
    expect(hash.digest('hex')).toBe('636abe5f9abcca4a7bb17ed822c955839a27a56194ac628315724463069f0c02');
  });
});
