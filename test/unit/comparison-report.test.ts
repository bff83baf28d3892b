import { describe, expect, it } from 'vitest';
import type { ComparedCellLine, ComparedEvaluation, ComparedRun } from '../../src/db/repositories/comparison.repository';
import { meanWithInterval, pairedTTest } from '../../src/numeric/significance';
import { buildComparisonReport, type MetricColumn, type ReportCell, type ReportRow } from '../../src/reports/comparison-report';
import { renderHtml } from '../../src/reports/html.renderer';
import { renderMarkdown } from '../../src/reports/markdown.renderer';
import { beatsBaseline, combineReplicates, tiedWith } from '../../src/reports/replicate-cells';
import { summarise } from '../../src/reports/report-summary';

// Student t quantiles t(0.975; df) from the tables: df 1 = 12.7062, df 2 = 4.3027
describe('inference over replicates and cell lines', () => {
  it('gives the mean with a Student-t 95% interval, none for one replicate', () => {
    // mean 0.82, s = 0.02, se = 0.02 / sqrt(3) = 0.011547, half-width 4.302653 * 0.011547 = 0.049683
    const three = meanWithInterval([0.8, 0.82, 0.84])!;
    expect(three.mean).toBeCloseTo(0.82, 12);
    expect(three.interval!.low).toBeCloseTo(0.770317, 6);
    expect(three.interval!.high).toBeCloseTo(0.869683, 6);
    expect(meanWithInterval([0.5])).toEqual({ mean: 0.5, interval: null });
    expect(meanWithInterval([])).toBeNull();
  });

  it('runs a two-sided paired t-test', () => {
    // differences 0.4 0.3 0.2 0.1: mean 0.25, sd 0.129099, t = 3.87298 on 3 df, p = 0.030466
    const shifted = pairedTTest([0.9, 0.8, 0.7, 0.6], [0.5, 0.5, 0.5, 0.5]);
    expect(shifted.pValue).toBeCloseTo(0.030466, 5);
    expect(shifted.significant).toBe(true);
    // differences 0.3 -0.3 0: mean 0, p = 1
    expect(pairedTTest([0.9, 0.5, 0.7], [0.6, 0.8, 0.7])).toMatchObject({ significant: false });
    expect(pairedTTest([1, 2, 3], [1, 2, 3])).toEqual({ pValue: 1, significant: false });
    expect(pairedTTest([1.5, 2.5, 3.5], [1, 2, 3])).toEqual({ pValue: 0, significant: true });
    expect(() => pairedTTest([1], [1])).toThrow(RangeError);
  });

  it('combines replicate figures: mean, interval, mean spread, cell lines averaged', () => {
    const combined = combineReplicates([
      { value: 0.8, spread: 0.05, byCellLine: { x: 0.9, y: 0.7 } },
      { value: 0.84, spread: 0.07, byCellLine: { x: 0.7, z: 0.6 } },
      { value: null, spread: null, reason: 'one class' },
    ]);
    expect(combined.value).toBeCloseTo(0.82, 12);
    // two replicates: half-width 12.7062 * 0.02 = 0.254124
    expect(combined.interval!.low).toBeCloseTo(0.565876, 5);
    expect(combined.spread).toBeCloseTo(0.06, 12);
    expect(combined.replicates).toBe(2);
    expect(combined.byCellLine.x).toBeCloseTo(0.8, 12);
    expect(combined.byCellLine).toMatchObject({ y: 0.7, z: 0.6 });
    expect(combineReplicates([{ value: null, spread: null, reason: 'one class' }])).toMatchObject({ value: null, interval: null, replicates: 0, reason: 'one class' });
  });

  it('ties over the cell lines in common, and needs three of them', () => {
    expect(tiedWith({ a: 0.9, b: 0.5, c: 0.7 }, { a: 0.6, b: 0.8, c: 0.7, d: 1 })).toEqual({ tied: true });
    expect(tiedWith({ a: 0.5, b: 0.4, c: 0.3, d: 0.4 }, { a: 0.9, b: 0.8, c: 0.8, d: 0.8 })).toEqual({ tied: false });
    expect(tiedWith({ a: 0.5, b: 0.4 }, { a: 0.9, b: 0.8, c: 0.8 })).toMatchObject({ tied: null, reason: expect.stringMatching(/2 cell lines in common/) });
    expect(tiedWith({}, { a: 0.9, b: 0.8, c: 0.8 })).toEqual({ tied: null, reason: 'no per-cell-line values to pair' });
  });

  it('beats a baseline in the column direction', () => {
    expect(beatsBaseline(0.8, 0.7, 'higher')).toBe(true);
    expect(beatsBaseline(0.7, 0.7, 'higher')).toBe(false);
    expect(beatsBaseline(2, 3, 'lower')).toBe(true);
    expect(beatsBaseline(0.8, null, 'higher')).toBeNull();
    expect(beatsBaseline(null, 0.7, 'higher')).toBeNull();
  });
});

const run = (id: string, setup: string, replicate = 0, baseline: ComparedRun['baseline'] = null): ComparedRun => ({
  id,
  sweepId: 's',
  setup,
  paradigm: baseline ? 'baseline' : setup.split('/')[0],
  cropMode: 'one-crop',
  augment: false,
  baseline,
  replicate,
  status: 'succeeded',
  backend: 'wasm',
  device: 'cpu',
  epochsCompleted: 2,
  resources: null,
  startedAt: null,
  finishedAt: null,
});
const medianMad = (median: number, mad: number) => ({ median: { value: median }, mad: { value: mad }, cellLines: 4 });
const classification = (runId: string, topDose: number, mad: number): ComparedEvaluation => ({
  runId,
  task: 'classification',
  parameters: { heldOut: 'plate', c: 1 },
  result: { cellLines: ['w', 'x', 'y', 'z'], metrics: { accuracy: medianMad(topDose, mad), f1: medianMad(topDose, mad), rocAuc: medianMad(topDose, mad), topDoseRocAuc: medianMad(topDose, mad) } },
  createdAt: new Date(0),
});
const lines = (runId: string, values: Record<string, number>): ComparedCellLine[] =>
  Object.entries(values).map(([cellLine, value]) => ({ runId, task: 'classification', cellLine, parameters: { c: 1, heldOut: 'plate' }, fields: { topDoseRocAuc: [value], accuracy: [value], f1: [value], rocAuc: [null] } }));

describe('comparison report over replicates and baselines', () => {
  const runs = [
    run('a0', 'weakly-supervised/one-crop', 0),
    run('a1', 'weakly-supervised/one-crop', 1),
    run('b0', 'self-supervised/one-crop'),
    run('c0', 'unsupervised/one-crop'),
    run('u0', 'baseline/untrained', 0, 'untrained'),
    run('k0', 'baseline/classical', 0, 'classical'),
  ];
  const report = buildComparisonReport({
    sweep: { id: 'sweep', screen: 'demo', profile: 'quick', config: {}, createdAt: new Date(0).toISOString() },
    runs: [runs[4], ...runs.slice(0, 4), runs[5]],
    evaluations: [classification('a0', 0.8, 0.05), classification('a1', 0.84, 0.07), classification('b0', 0.81, 0.1), classification('c0', 0.55, 0.1), classification('u0', 0.6, 0.1), classification('k0', 0.83, 0.1)],
    cellLineRows: [
      ...lines('a0', { w: 0.8, x: 0.9, y: 0.8, z: 0.7 }),
      ...lines('a1', { w: 0.8, x: 0.9, y: 0.8, z: 0.9 }),
      ...lines('b0', { w: 0.9, x: 0.9, y: 0.8, z: 0.7 }),
      ...lines('c0', { w: 0.4, x: 0.5, y: 0.4, z: 0.3 }),
      ...lines('u0', { w: 0.6, x: 0.6, y: 0.6, z: 0.6 }),
    ],
    resources: [],
    resourceReferenceRunId: 'a0',
    generatedAt: new Date(0),
  });
  const row = (setup: string) => report.rows.find((candidate) => candidate.setup === setup)!;
  const KEY = 'classification.topDoseRocAuc';

  it('makes one row per setup, learned first, with its replicate runs', () => {
    expect(report.rows.map((entry) => entry.setup)).toEqual(['weakly-supervised/one-crop', 'self-supervised/one-crop', 'unsupervised/one-crop', 'baseline/untrained', 'baseline/classical']);
    expect(row('weakly-supervised/one-crop')).toMatchObject({ runIds: ['a0', 'a1'], replicates: 2, baseline: null });
    expect(row('baseline/untrained')).toMatchObject({ runIds: ['u0'], baseline: 'untrained', overallRank: null, taskRanks: {} });
    expect(report.headlines).toEqual(['similarity.cosine.d', 'classification.topDoseRocAuc', 'clustering.ami', 'map.consistency', 'nsc.nsc']);
    expect(report.resourceReference).toEqual({ runId: 'a0', setup: 'weakly-supervised/one-crop' });
  });

  it('gives mean, interval, spread, rank, ties with the best and baselines beaten', () => {
    const best = row('weakly-supervised/one-crop').cells[KEY];
    expect(best.value).toBeCloseTo(0.82, 12);
    expect(best.interval!.low).toBeCloseTo(0.82 - 0.254124, 5);
    expect(best.interval!.high).toBeCloseTo(0.82 + 0.254124, 5);
    expect(best.spread).toBeCloseTo(0.06, 12);
    expect(best).toMatchObject({ replicates: 2, rank: 1, tiedWithBest: true, beats: { untrained: true, classical: false } });
    // replicate means by cell line: w 0.8, x 0.9, y 0.8, z 0.8; the self-supervised differences 0.1 0 0 -0.1 average 0
    expect(row('self-supervised/one-crop').cells[KEY]).toMatchObject({ value: 0.81, interval: null, rank: 2, tiedWithBest: true, beats: { untrained: true, classical: false } });
    expect(row('unsupervised/one-crop').cells[KEY]).toMatchObject({ rank: 3, tiedWithBest: false, beats: { untrained: false, classical: false } });
    expect(row('baseline/untrained').cells[KEY]).toMatchObject({ value: 0.6, rank: null, tiedWithBest: null, beats: null });
    expect(row('baseline/classical').cells[KEY]).toMatchObject({ value: 0.83, rank: null, beats: null });
    // undefined per cell line: no paired test
    expect(row('self-supervised/one-crop').cells['classification.rocAuc']).toMatchObject({ rank: 2, tiedWithBest: null, tieReason: 'no per-cell-line values to pair' });
    expect(report.best.find((entry) => entry.task === 'classification')).toMatchObject({ setup: 'weakly-supervised/one-crop', runIds: ['a0', 'a1'] });
    expect(report.best.every((entry) => !entry.setup.startsWith('baseline/'))).toBe(true);
  });

  it('summarises the headlines against both baselines', () => {
    const versus = report.summary.againstClassical.find((entry) => entry.column === KEY)!;
    expect(versus).toMatchObject({ bestSetup: 'weakly-supervised/one-crop', classical: 0.83, beats: false });
    // the other headlines are not stored: no setup beats the untrained encoder on all of them
    expect(report.summary).toMatchObject({ learnedSetups: 3, beatUntrainedOnEveryHeadline: 0, setupsBeatingUntrained: [] });
  });

  it('counts the setups beating the untrained encoder on every headline', () => {
    const columns: MetricColumn[] = [
      { key: 'h1', task: 'similarity', label: 'one', better: 'higher' },
      { key: 'h2', task: 'map', label: 'two', better: 'higher' },
    ];
    const cell = (value: number, untrained: boolean | null, rank: number | null): ReportCell => ({ value, interval: null, spread: null, replicates: 1, rank, tiedWithBest: null, beats: rank === null ? null : { untrained, classical: false } });
    const make = (setup: string, baseline: ReportRow['baseline'], cells: Record<string, ReportCell>): ReportRow => ({ setup, paradigm: '', cropMode: '', augment: false, baseline, runIds: [setup], replicates: 1, status: 'succeeded', evaluated: true, cells, taskRanks: {}, overallRank: null });
    const summary = summarise(
      [
        make('s1', null, { h1: cell(0.9, true, 1), h2: cell(0.5, true, 2) }),
        make('s2', null, { h1: cell(0.8, true, 2), h2: cell(0.7, false, 1) }),
        make('baseline/untrained', 'untrained', { h1: cell(0.1, null, null), h2: cell(0.6, null, null) }),
        make('baseline/classical', 'classical', { h1: cell(0.95, null, null), h2: cell(0.2, null, null) }),
      ],
      columns,
    );
    expect(summary).toMatchObject({ headlines: ['h1', 'h2'], learnedSetups: 2, beatUntrainedOnEveryHeadline: 1, setupsBeatingUntrained: ['s1'] });
    expect(summary.againstClassical).toEqual([
      { column: 'h1', label: 'one', bestSetup: 's1', value: 0.9, classical: 0.95, beats: false },
      { column: 'h2', label: 'two', bestSetup: 's2', value: 0.7, classical: 0.2, beats: false },
    ]);
    expect(summarise([make('s1', null, { h1: cell(0.9, null, 1), h2: cell(0.5, null, 1) })], columns).beatUntrainedOnEveryHeadline).toBeNull();
  });

  it('renders intervals, tie and beats marks, baselines apart and the summary', () => {
    const markdown = renderMarkdown(report);
    expect(markdown).toMatch(/^# Comparison of 3 setups/);
    expect(markdown).toContain('0 of 3 learned setups beat baseline/untrained on every headline');
    expect(markdown).toContain('| top-dose ROC-AUC | weakly-supervised/one-crop | 0.820 | 0.830 | no |');
    expect(markdown).toContain('| weakly-supervised/one-crop (2 replicates) | 0.820 [0.566, 1.074] ± 0.060 (1) ▲U |');
    expect(markdown).toMatch(/\| self-supervised\/one-crop \|( [^|]+ \|){3} 0\.810 ± 0\.100 \(2\) ≈ ▲U \|/);
    expect(markdown).toContain('| *baseline/untrained* (baseline, not ranked) |');
    const table = markdown.slice(markdown.indexOf('## Drug vs control classification'));
    expect(table.indexOf('unsupervised/one-crop')).toBeLessThan(table.indexOf('*baseline/untrained*'));
    const html = renderHtml(report);
    expect(html).toContain('<tbody class="baselines"><tr><th colspan=');
    expect(html).toContain('<tr class="baseline"><th scope="row">baseline/classical</th>');
    expect(html).toContain('[0.566, 1.074]');
    expect(html).toContain('<span class="marks"> ≈ ▲U</span>');
  });
});
