import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readChannelImage, readChannelPlanes } from '../../src/data/channels/channel-image.reader';
import { ChannelHistogram, normalisePlanes } from '../../src/data/channels/channel-normalisation';
import { GREY_CHANNELS } from '../../src/data/channels/screen-channel';
import { decodeGrey, decodePlanes } from '../../src/data/crops/sharp-image.adapter';
import { encodeGreyPng } from '../../src/data/synthetic/png.encoder';
import { encodeGreyTiff } from '../support/grey-tiff.writer';

const THREE = [
  { name: 'DAPI', role: 'DNA' },
  { name: 'Tubulin', role: 'tubulin' },
  { name: 'Actin', role: 'actin' },
];
const ramp = Uint8Array.from({ length: 256 }, (_, i) => i);
const wide = Uint16Array.from({ length: 256 }, (_, i) => 1000 + i * 10);
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'morphospace-channels-'));
  writeFileSync(join(dir, 'grey.png'), encodeGreyPng(ramp, 16, 16));
  writeFileSync(join(dir, 'dna.png'), encodeGreyPng(ramp, 16, 16));
  writeFileSync(join(dir, 'tub.png'), encodeGreyPng(ramp.map((v) => 255 - v), 16, 16));
  writeFileSync(join(dir, 'act.tif'), encodeGreyTiff([wide], 16, 16));
  writeFileSync(join(dir, 'small.png'), encodeGreyPng(new Uint8Array(64), 8, 8));
  writeFileSync(join(dir, 'stack.tif'), encodeGreyTiff([ramp, ramp.map((v) => 255 - v), ramp.map(() => 7)], 16, 16));
  writeFileSync(join(dir, 'stack16.tif'), encodeGreyTiff([wide, wide, wide], 16, 16));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readChannelImage', () => {
  it('reads a grey screen exactly as decodeGrey does', async () => {
    const grey = await readChannelImage(dir, { path: 'grey.png', channelPaths: null, plate: 'P1' }, { channels: GREY_CHANNELS });
    expect(grey).toEqual(await decodeGrey(join(dir, 'grey.png')));
    expect(grey.channels).toBe(1);
  });

  it('reads one file per channel into planar 8-bit data, stretched by the plate range', async () => {
    const image = { path: 'dna.png', channelPaths: ['dna.png', 'tub.png', 'act.tif'], plate: 'P1' };
    // beside a 16-bit channel the 8-bit ones are on the 16-bit scale (x257)
    const normalisation = { P1: [[0, 255 * 257], [0, 255 * 257], [1000, 3550]] as Array<[number, number]> };
    const read = await readChannelImage(dir, image, { channels: THREE, normalisation });
    expect([read.width, read.height, read.channels, read.data.length]).toEqual([16, 16, 3, 768]);
    expect(Array.from(read.data.subarray(0, 256))).toEqual(Array.from(ramp));
    expect(read.data[256]).toBe(255);
    expect(read.data[256 + 255]).toBe(0);
    expect(read.data[512]).toBe(0);
    expect(read.data[512 + 255]).toBe(255);
  });

  it('reads the pages of a multi-page TIFF as the channels, at their bit depth', async () => {
    const planes = await decodePlanes(join(dir, 'stack.tif'), 3);
    expect(planes.maxValue).toBe(255);
    expect(Array.from(planes.planes[0])).toEqual(Array.from(ramp));
    expect(Array.from(planes.planes[2])).toEqual(new Array(256).fill(7));
    const deep = await decodePlanes(join(dir, 'stack16.tif'), 3);
    expect(deep.maxValue).toBe(65535);
    expect(Array.from(deep.planes[1])).toEqual(Array.from(wide));
    const unknownPlate = await readChannelImage(dir, { path: 'stack.tif', channelPaths: null, plate: 'elsewhere' }, { channels: THREE, normalisation: {} });
    expect(Array.from(unknownPlate.data.subarray(0, 256))).toEqual(Array.from(ramp));
  });

  it('refuses channel files of different sizes and a TIFF with too few pages', async () => {
    await expect(readChannelPlanes(dir, { path: 'dna.png', channelPaths: ['dna.png', 'small.png', 'tub.png'], plate: 'P1' }, 3)).rejects.toThrow(/small\.png is 8x8, dna\.png is 16x16/);
    await expect(readChannelPlanes(dir, { path: 'stack.tif', channelPaths: null, plate: 'P1' }, 4)).rejects.toThrow(/has 3 page\(s\), the screen has 4 channels/);
  });
});

describe('channel normalisation', () => {
  it('takes the 0.1 and 99.9 percentiles of each channel, ignoring a few outliers', () => {
    const histogram = new ChannelHistogram(2);
    const plane = Uint16Array.from({ length: 10000 }, (_, i) => 100 + (i % 1000));
    const outliers = plane.slice();
    outliers.fill(0, 0, 5);
    outliers.fill(60000, 5, 10);
    histogram.add({ planes: [plane, outliers], width: 100, height: 100, maxValue: 65535 });
    const [first, second] = histogram.ranges();
    expect(first).toEqual([100, 1098]);
    expect(second[0]).toBeGreaterThanOrEqual(100);
    expect(second[1]).toBeLessThanOrEqual(1099);
  });

  it('clips beyond the range and keeps a flat channel at zero', () => {
    const out = normalisePlanes({ planes: [Uint16Array.of(0, 10, 20, 30), Uint16Array.of(5, 5, 5, 5)], width: 2, height: 2, maxValue: 255 }, [[10, 20], [5, 5]]);
    expect(Array.from(out)).toEqual([0, 0, 255, 255, 0, 0, 0, 0]);
  });
});
