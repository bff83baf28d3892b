import { describe, expect, it } from 'vitest';
import { parseBenchPipelineOptions } from '../../src/cli/bench-pipeline.command';
import { UsageError } from '../../src/cli/usage-error';
import { imageCount } from '../../src/data/synthetic/plate.layout';
import { benchPreset, PIPELINE_STAGES, stagesToRun } from '../../src/reports/pipeline-bench.service';

const flags = { dim: '2048', seed: '1', imageSize: '64', stageTimeout: '60', design: 'demo' };

describe('bench pipeline options', () => {
  it('scales the demo design to N by its sites per well', () => {
    const options = parseBenchPipelineOptions({ ...flags, images: '30000' });
    const preset = benchPreset(options);
    expect(options.design).toBe('demo');
    expect(preset.cellLines).toHaveLength(6);
    expect(imageCount(preset)).toBeGreaterThanOrEqual(30_000);
    expect(imageCount({ ...preset, sitesPerWell: preset.sitesPerWell - 1 })).toBeLessThan(30_000);
  });

  it("scales the reference study's design of 21 cell lines: about 37k images a line at 770k", () => {
    const options = parseBenchPipelineOptions({ ...flags, images: '770000', design: 'study' });
    const preset = benchPreset(options);
    expect(preset.cellLines).toHaveLength(21);
    expect(preset.sitesPerWell).toBe(37);
    expect(imageCount(preset)).toBeGreaterThanOrEqual(770_000);
    expect(options.embedding).toBe('synthetic');
  });

  it('refuses an unknown design with a usage error', () => {
    expect(() => parseBenchPipelineOptions({ ...flags, images: '3000', design: 'paper' })).toThrow(UsageError);
  });
});

describe('bench pipeline stages', () => {
  it('runs every stage by default, the whole evaluate job after the tasks one by one', () => {
    const { stages } = parseBenchPipelineOptions({ ...flags, images: '3000' });
    const run = stagesToRun(stages);
    expect(run).toEqual([...PIPELINE_STAGES]);
    expect(run.indexOf('evaluate')).toBeGreaterThan(run.indexOf('evaluate:nsc'));
  });

  it('adds the stages a chosen stage needs, in pipeline order', () => {
    expect(stagesToRun(parseBenchPipelineOptions({ ...flags, images: '3000', stages: 'evaluate' }).stages)).toEqual(['generate', 'import', 'embed', 'profiles', 'evaluate']);
    expect(stagesToRun(['nearestImages', 'import'])).toEqual(['generate', 'import', 'embed', 'profiles', 'index', 'nearestImages']);
  });

  it('refuses an unknown stage with a usage error', () => {
    expect(() => parseBenchPipelineOptions({ ...flags, images: '3000', stages: 'embed,train' })).toThrow(UsageError);
  });
});
