import { describe, expect, it } from 'vitest';
import type { TileEncoder } from '../../../src/embedding/encoders/tile-encoder';
import { RunEncoderCache } from '../../../src/embedding/run-encoder.cache';

function fakeEncoder(name: string, log: string[]): TileEncoder {
  return {
    runtime: 'fake',
    device: name,
    batchTiles: 1,
    encode: async () => new Float32Array(0),
    dispose: async () => {
      log.push(`dispose ${name}`);
    },
  };
}

describe('RunEncoderCache', () => {
  it('opens an encoder once per run, and closes the least recently used beyond its capacity', async () => {
    const log: string[] = [];
    const cache = new RunEncoderCache(2);
    const use = (run: string) =>
      cache.use(
        run,
        async () => {
          log.push(`open ${run}`);
          return fakeEncoder(run, log);
        },
        async (encoder) => encoder.device,
      );
    expect(await use('a')).toBe('a');
    expect(await use('b')).toBe('b');
    expect(await use('a')).toBe('a');
    expect(await use('c')).toBe('c');
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['open a', 'open b', 'open c', 'dispose b']);
    await cache.close();
    expect(log.slice(4).sort()).toEqual(['dispose a', 'dispose c']);
  });

  it('disposes an evicted encoder only when the query using it is done, and reopens after a failed open', async () => {
    const log: string[] = [];
    const cache = new RunEncoderCache(1);
    let release!: () => void;
    const held = cache.use('a', async () => fakeEncoder('a', log), () => new Promise<void>((resolve) => (release = resolve)));
    await new Promise((resolve) => setImmediate(resolve));
    await cache.use('b', async () => fakeEncoder('b', log), async () => undefined);
    expect(log).toEqual([]);
    release();
    await held;
    expect(log).toEqual(['dispose a']);
    let opens = 0;
    const failing = () => cache.use('c', async () => (opens++ === 0 ? Promise.reject(new Error('no checkpoint')) : fakeEncoder('c', log)), async (encoder) => encoder.device);
    await expect(failing()).rejects.toThrow('no checkpoint');
    expect(await failing()).toBe('c');
  });
});
