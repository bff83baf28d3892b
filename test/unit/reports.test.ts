import { describe, expect, it } from 'vitest';
import type { ComparedEpoch, ComparedEvaluation, ComparedRun, RunStage } from '../../src/db/repositories/comparison.repository';
import { buildComparisonReport, rankColumn } from '../../src/reports/comparison-report';
import { summarise } from '../../src/reports/demo.service';
import { renderHtml } from '../../src/reports/html.renderer';
import { renderMarkdown } from '../../src/reports/markdown.renderer';
import { compareResources } from '../../src/reports/resource-comparison';

const run = (id: string, setup: string): ComparedRun => ({
  id,
  sweepId: 's',
  setup,
  paradigm: setup.split('/')[0],
  cropMode: 'one-crop',
  augment: false,
  baseline: null,
  replicate: 0,
  status: 'succeeded',
  backend: 'wasm',
  device: 'cpu',
  epochsCompleted: 2,
  resources: null,
  startedAt: null,
  finishedAt: null,
});
const epoch = (runId: string, n: number, wallSeconds: number, validationLoss: number, rss = 100): ComparedEpoch => ({
  runId,
  epoch: n,
  trainLoss: 1,
  validationLoss,
  wallSeconds,
  cpuSeconds: wallSeconds,
  peakRssBytes: rss,
  peakTensorBytes: 10,
  gpuMemoryBytes: null,
  imagesSeen: 100,
  imagesPerSecond: 100 / wallSeconds,
});
const medianMad = (median: number, mad: number) => ({ median: { value: median }, mad: { value: mad }, cellLines: 3 });
const line = (cellLine: string, value: number) => ({ cellLine, meanAveragePrecision: { value }, fractionSignificant: { value: 1 } });
const evaluation = (runId: string, task: string, parameters: Record<string, unknown>, result: Record<string, unknown>): ComparedEvaluation => ({ runId, task, parameters, result, createdAt: new Date(0) });

describe('resource comparison', () => {
  it('totals epochs, finds the best epoch and divides by the reference run', () => {
    const runs = [run('a', 'weakly-supervised/one-crop'), run('b', 'self-supervised/one-crop')];
    const epochs = [epoch('a', 1, 10, 0.5), epoch('a', 2, 10, 0.6, 300), epoch('b', 1, 2, 0.9), epoch('b', 2, 3, 0.4)];
    const { runs: rows } = compareResources(runs, epochs, 'a');
    expect(rows[0]).toMatchObject({ wallSeconds: 20, bestEpoch: 1, timeToBestEpochSeconds: 10, imagesPerSecond: 10, peakRssBytes: 300, gpuMemoryBytes: null });
    expect(rows[0].ratios).toEqual({ wallSeconds: 1, timeToBestEpochSeconds: 1, imagesPerSecond: 1, peakRssBytes: 1, peakTensorBytes: 1, gpuMemoryBytes: null });
    expect(rows[1]).toMatchObject({ wallSeconds: 5, bestEpoch: 2, timeToBestEpochSeconds: 5 });
    expect(rows[1].ratios).toMatchObject({ wallSeconds: 0.25, timeToBestEpochSeconds: 0.5, imagesPerSecond: 4, peakRssBytes: 1 / 3 });
    expect(() => compareResources(runs, epochs, 'zzz')).toThrow(/reference/);
  });
});

describe('comparison report', () => {
  it('ranks best first with shared ranks for ties and none for undefined values', () => {
    const ranks = rankColumn([{ id: 'a', value: 0.5 }, { id: 'b', value: 0.9 }, { id: 'c', value: 0.5 }, { id: 'd', value: null }], 'higher');
    expect(Object.fromEntries(ranks)).toEqual({ b: 1, a: 2, c: 2 });
    expect(Object.fromEntries(rankColumn([{ id: 'a', value: 3 }, { id: 'b', value: 1 }], 'lower'))).toEqual({ b: 1, a: 2 });
  });

  it('reads the stored aggregates into cells, ranks them and names the best setup per task', () => {
    const runs = [run('a', 'weakly-supervised/one-crop'), run('b', 'self-supervised/one-crop')];
    const stored = (id: string, good: number) => [
      evaluation(id, 'similarity', { compounds: ['Methotrexate', 'Pemetrexed'], control: 'DMSO', moa: null }, {
        cellLines: ['x', 'y', 'z'],
        aggregate: { cosine: { relativeDistance: medianMad(good, 0.1), inverseDistance: medianMad(good * 10, 1) }, euclidean: { relativeDistance: medianMad(good, 0.1), inverseDistance: medianMad(1, 0) } },
      }),
      evaluation(id, 'similarity', { compounds: ['Docetaxel', 'Paclitaxel'], control: 'DMSO', moa: 'taxane' }, { aggregate: { cosine: { relativeDistance: medianMad(99, 0) } } }),
      evaluation(id, 'classification', {}, { cellLines: ['x', 'y', 'z'], metrics: { accuracy: medianMad(good, 0.05), f1: medianMad(good, 0.05), rocAuc: { median: { value: null, reason: 'one class' }, mad: { value: null, reason: 'one class' }, cellLines: 0 } } }),
      evaluation(id, 'clustering', {}, {
        cellLines: ['x', 'y', 'z'],
        sweep: [
          { minClusterSize: 5, silhouette: medianMad(0.1, 0), daviesBouldin: medianMad(2, 0), consistency: medianMad(0.2, 0) },
          { minClusterSize: 10, silhouette: medianMad(good, 0.01), daviesBouldin: medianMad(1 - good, 0), consistency: medianMad(good, 0) },
        ],
      }),
      evaluation(id, 'map', { kind: 'activity' }, { meanAveragePrecision: { value: good }, fractionSignificant: { value: good }, cellLines: [line('x', good), line('y', good + 0.2), line('z', good - 0.2)] }),
    ];
    const report = buildComparisonReport({
      sweep: { id: 'sweep', screen: 'demo', profile: 'quick', config: {}, createdAt: new Date(0).toISOString() },
      runs,
      evaluations: [...stored('a', 0.8), ...stored('b', 0.6)],
      resources: compareResources(runs, [epoch('a', 1, 10, 0.5), epoch('b', 1, 2, 0.5)], 'a').runs,
      resourceReferenceRunId: 'a',
      generatedAt: new Date(0),
    });
    const [a, b] = report.rows;
    expect(report.cellLines).toBe(3);
    expect(a.cells['similarity.cosine.d']).toMatchObject({ value: 0.8, interval: null, spread: 0.1, replicates: 1, rank: 1, tiedWithBest: true, beats: { untrained: null, classical: null } });
    expect(b.cells['similarity.cosine.d'].rank).toBe(2);
    expect(a.cells['classification.rocAuc']).toMatchObject({ value: null, rank: null, reason: 'one class' });
    // clustering at the sweep point with the best median silhouette
    expect(a.cells['clustering.silhouette']).toMatchObject({ value: 0.8, spread: 0.01, rank: 1 });
    expect(a.cells['clustering.daviesBouldin'].rank).toBe(1);
    expect(a.cells['map.activity']).toMatchObject({ value: 0.8, rank: 1 });
    expect(a.cells['map.activity'].spread).toBeCloseTo(0.2, 12);
    expect(b.cells['resources.wallSeconds'].rank).toBe(1);
    expect(report.best.find((best) => best.task === 'classification')).toMatchObject({ setup: 'weakly-supervised/one-crop', meanRank: 1 });
    expect(report.best.find((best) => best.task === 'resources')).toMatchObject({ setup: 'self-supervised/one-crop' });
    expect(report.best.find((best) => best.task === 'overall')).toMatchObject({ setup: 'weakly-supervised/one-crop' });

    const markdown = renderMarkdown(report);
    expect(markdown).toContain('| weakly-supervised/one-crop | 0.800 ± 0.100 (1) |');
    expect(markdown).toContain('No baseline/untrained row in this sweep');
    expect(renderHtml(report)).toContain('<th scope="row">self-supervised/one-crop</th>');
  });
});

describe('demo progress', () => {
  const stage = (status: string, embedded: boolean, tasks: string[], fraction = 0): RunStage => ({ runId: status, setup: 's', status, fraction, embedded, evaluatedTasks: tasks });
  it('is done when every run is evaluated or has failed', () => {
    const all = ['similarity', 'classification', 'clustering', 'map', 'nsc'];
    expect(summarise([stage('succeeded', true, all), stage('running', false, [], 0.5)])).toMatchObject({ trained: 1, training: 1, embedded: 1, evaluated: 1, fraction: 0.75, done: false });
    expect(summarise([stage('succeeded', true, all), stage('failed', false, [])])).toMatchObject({ evaluated: 1, failed: 1, done: true });
    expect(summarise([stage('succeeded', true, ['map'])]).done).toBe(false);
    expect(summarise([]).done).toBe(false);
  });
});
