import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { sampleNormalisation } from '../../src/data/channels/channel-normalisation.sampler';
import { GREY_CHANNELS } from '../../src/data/channels/screen-channel';
import { buildBatch } from '../../src/data/crops/crop-batch.streamer';
import { ImageFileService } from '../../src/data/image-file.service';
import { SharpImageInspector } from '../../src/data/import/image.inspector';
import { encodeGreyPng } from '../../src/data/synthetic/png.encoder';
import type { ImageFile, ImageFileRepository } from '../../src/db/repositories/image-file.repository';

// every synchronous read is counted, so each path's way of reading shows
vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  return { ...actual, readFileSync: vi.fn(actual.readFileSync) };
});

const TWO = [
  { name: 'DNA', role: 'DNA' },
  { name: 'Tubulin', role: 'tubulin' },
];
let dir: string;

function blockingReads(): string[] {
  return vi.mocked(fs.readFileSync).mock.calls.map(([file]) => String(file)).filter((file) => file.startsWith(dir));
}

function imageRoute(image: ImageFile): ImageFileService {
  return new ImageFileService({ find: async () => image } as unknown as ImageFileRepository);
}

beforeAll(() => {
  dir = fs.mkdtempSync(join(tmpdir(), 'morphospace-image-reads-'));
  const ramp = Uint8Array.from({ length: 64 * 64 }, (_, i) => i % 256);
  fs.writeFileSync(join(dir, 'dna.png'), encodeGreyPng(ramp, 64, 64));
  fs.writeFileSync(join(dir, 'tub.png'), encodeGreyPng(ramp.map((v) => 255 - v), 64, 64));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
beforeEach(() => {
  vi.mocked(fs.readFileSync).mockClear();
});

describe('how image files are read', () => {
  it('the image route reads grey and multi-channel images off the event loop', async () => {
    const grey = await imageRoute({ root: dir, path: 'dna.png', channelPaths: null, plate: 'P1', screen: { channels: GREY_CHANNELS } }).channelPng('1', null);
    const channels = await imageRoute({ root: dir, path: 'dna.png', channelPaths: ['dna.png', 'tub.png'], plate: 'P1', screen: { channels: TWO } }).channelPng('2', 'tubulin');
    expect([grey.png.length > 0, channels.channel]).toEqual([true, 'Tubulin']);
    expect(blockingReads()).toEqual([]);
  });

  it('the import inspects files and samples plate ranges off the event loop', async () => {
    const inspection = await new SharpImageInspector().inspect(join(dir, 'dna.png'));
    expect(inspection).toMatchObject({ ok: true, width: 64, height: 64 });
    const ranges = await sampleNormalisation(dir, ['P1'], async () => [{ path: 'dna.png', channelPaths: ['dna.png', 'tub.png'], plate: 'P1' }], 2, { seed: 0, concurrency: 1 });
    expect(ranges.P1).toHaveLength(2);
    expect(blockingReads()).toEqual([]);
  });

  it('the crop reader reads each image blocking, once per batch', async () => {
    const batch = await buildBatch(0, [{ id: 1, path: join(dir, 'dna.png'), label: 0 }], { crop: 'one-crop', augment: false }, 1, 0);
    expect(batch.images).toBe(1);
    expect(blockingReads()).toEqual([join(dir, 'dna.png')]);
  });
});
