import { describe, expect, it } from 'vitest';
import { parseBenchCropsOptions } from '../../src/cli/bench-crops.command';
import { parseGenerateOptions } from '../../src/cli/generate.command';
import { UsageError } from '../../src/cli/usage-error';

describe('generate options', () => {
  it('accepts the presets with a seed and an output directory', () => {
    const options = parseGenerateOptions({ preset: 'tiny', seed: '7', out: '/tmp/x' });
    expect(options).toMatchObject({ preset: 'tiny', seed: 7, out: '/tmp/x' });
    expect(parseGenerateOptions({ preset: 'large', out: 'd', sites: '2', replicates: '1' }).overrides).toMatchObject({ sitesPerWell: 2, replicates: 1 });
  });

  it('rejects bad values as usage errors (exit 2)', () => {
    for (const raw of [
      { preset: 'huge', out: '/tmp/x' },
      { preset: 'tiny', seed: '-1', out: '/tmp/x' },
      { preset: 'tiny', seed: '1.5', out: '/tmp/x' },
      { preset: 'tiny', seed: 'abc', out: '/tmp/x' },
      { preset: 'tiny', out: '' },
      { preset: 'tiny', out: '/tmp/x', imageSize: '16' },
      { preset: 'large', out: '/tmp/x', sites: '0' },
    ]) {
      expect(() => parseGenerateOptions(raw), JSON.stringify(raw)).toThrow(UsageError);
    }
  });
});

describe('bench crops options', () => {
  it('takes all strategies by default or one by name, and rejects unknown ones', () => {
    expect(parseBenchCropsOptions({}).strategies).toHaveLength(4);
    expect(parseBenchCropsOptions({ strategy: 'multi-crop+aug' }).strategies).toEqual([{ crop: 'multi-crop', augment: true }]);
    expect(() => parseBenchCropsOptions({ strategy: 'two-crop' })).toThrow(UsageError);
    expect(() => parseBenchCropsOptions({ seconds: '0' })).toThrow(UsageError);
  });
});
