import { describe, expect, it } from 'vitest';
import { parseBenchEvaluateOptions } from '../../src/cli/bench-evaluate.command';
import { UsageError } from '../../src/cli/usage-error';
import { DEFAULT_EVALUATION_PARAMETERS, resolveParameters } from '../../src/evaluation/tasks/evaluation-parameters';
import { pairParameters } from '../../src/evaluation/tasks/similarity/similarity.parameters';
import { classificationSampling, DEFAULT_SAMPLING } from '../../src/evaluation/tasks/sampling.parameters';
import { syntheticRunEmbeddings } from '../../src/evaluation/evaluation.benchmark';
import { LineEvaluationPool } from '../../src/evaluation/line-evaluation.pool';
import { evaluateLineTasks, type LineResults } from '../../src/evaluation/cell-line.evaluator';
import { jsonSafe } from '../../src/evaluation/json-safe';
import { classificationOfLine } from '../../src/evaluation/tasks/classification/classification-line';
import type { LineData } from '../../src/evaluation/tasks/evaluation-task';
import type { MapCellLineResult } from '../../src/evaluation/tasks/map/map.result';
import { medianMad } from '../../src/evaluation/tasks/median-mad';

/** A synthetic cell line on two plates, two wells per compound and plate, as the stored metadata would say. */
function syntheticLine(): LineData {
  const [line] = syntheticRunEmbeddings(300, 1, 64, 3);
  const moa: Record<string, string> = { Methotrexate: 'antifolate', Pemetrexed: 'antifolate', Paclitaxel: 'microtubule', Vincristine: 'microtubule' };
  const seen = new Map<string, number>();
  const images = line.compounds.map((compound, id) => {
    const k = seen.get(compound) ?? 0;
    seen.set(compound, k + 1);
    return { id, compound, moa: moa[compound] ?? (compound === 'DMSO' ? null : compound), isControl: compound === 'DMSO', concentration: compound === 'DMSO' ? 0 : 1 + (k % 2), plate: `P${k % 4 < 2 ? 1 : 2}`, well: `${compound}-${k % 8}` };
  });
  return { cellLine: 'line1', images, vectors: line.embeddings };
}

describe('run evaluation pieces', () => {
  it('parses bench evaluate options and refuses bad ones with a usage error', () => {
    expect(parseBenchEvaluateOptions({})).toEqual({ images: 3000, cellLines: 10, dim: 2048, nullSize: 10000, seed: 1, exact: false, sampleSeed: 0, seeds: 5, run: undefined });
    expect(() => parseBenchEvaluateOptions({ images: 'many' })).toThrow(UsageError);
    expect(() => parseBenchEvaluateOptions({ run: 'x' })).toThrow(UsageError);
  });

  it('fills parameter defaults and names the field of a bad one', () => {
    expect(resolveParameters({ minClusterSizes: [20, 5, 5] })).toEqual({ ...DEFAULT_EVALUATION_PARAMETERS, minClusterSizes: [5, 20] });
    for (const bad of [{ testFraction: 0 }, { nullSize: 5 }, { drugA: 'DMSO' }, { drugA: 'X', drugB: 'x' }, { tasks: ['plots'] }] as const) {
      expect(() => resolveParameters(bad as never)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }));
    }
    expect(pairParameters('Pemetrexed', 'Methotrexate', 'DMSO')).toEqual({ compounds: ['Methotrexate', 'Pemetrexed'], control: 'DMSO', moa: null, sampling: { exact: false, seed: 0, pairsPerCompoundPair: 20000 }, normalization: { method: 'standardize', control: 'DMSO' } });
  });

  it('holds out whole plates, the same for both classes, and scores every compound', () => {
    const line = syntheticLine();
    const result = classificationOfLine(line, { heldOut: 'plate', testFraction: 0.25, pcaComponents: 10, c: 1, control: 'DMSO', seed: 0, sampling: classificationSampling(DEFAULT_SAMPLING) });
    expect(result.status).toBe('ok');
    if (result.status !== 'ok') return;
    expect(result.heldOutPlates).toHaveLength(1);
    expect(result.trainPlates).toHaveLength(1);
    const heldOut = line.images.filter((image) => image.plate === result.heldOutPlates[0]);
    expect(result.test).toBe(heldOut.length);
    expect(result.activityScores.map((s) => s.compound)).toContain('DMSO');
    expect(result.topDose.compounds.every((c) => c.concentration === 2)).toBe(true);
    expect(result.topDose.rocAuc.value).toBeGreaterThan(0.5);
  });

  it('says why a one-plate cell line cannot be classified', () => {
    const line = syntheticLine();
    const onePlate = { ...line, images: line.images.map((image) => ({ ...image, plate: 'P1' })) };
    expect(classificationOfLine(onePlate, { heldOut: 'plate', testFraction: 0.25, pcaComponents: 10, c: 1, control: 'DMSO', seed: 0, sampling: classificationSampling(DEFAULT_SAMPLING) })).toEqual({
      cellLine: 'line1',
      status: 'undefined',
      reason: 'cell line line1 is on 1 plate: no plate to hold out',
    });
  });

  it('gives median and MAD over defined values, else every reason; JSON without NaN', () => {
    expect(medianMad([{ value: 1 }, { value: 3 }, { value: null, reason: 'r' }])).toEqual({ median: { value: 2 }, mad: { value: 1 }, cellLines: 2 });
    expect(medianMad([{ value: null, reason: 'a' }, { value: null, reason: 'b' }]).median).toEqual({ value: null, reason: 'undefined in all 2 cell lines: a; b' });
    expect(jsonSafe({ x: Number.NaN, y: [Infinity, 1] })).toEqual({ x: null, y: [null, 1] });
  });

  it('runs a cell line through the pool as through evaluateLineTasks', async () => {
    const plan = [
      { task: 'similarity' as const, sets: [pairParameters('Methotrexate', 'Pemetrexed', 'DMSO')] },
      { task: 'map' as const, sets: [{ kind: 'consistency' as const, level: 'compound-top-dose' as const, control: 'DMSO', nullSize: 200, threshold: 0.05, seed: 0 }] },
    ];
    const withoutSeconds = (results: LineResults) => results.map((entry) => ({ ...entry, seconds: null }));
    const pool = new LineEvaluationPool(2);
    try {
      const direct = evaluateLineTasks(syntheticLine(), plan);
      const pooled = await pool.run(syntheticLine(), plan);
      expect(withoutSeconds(pooled)).toEqual(withoutSeconds(direct));
      const [consistency] = direct[1].lines as MapCellLineResult[];
      const groups = new Map(consistency.groups.map((g) => [g.group, g.meanAveragePrecision]));
      expect(groups.get('antifolate')?.value).toEqual(expect.any(Number));
      // a MoA with one compound has no positives: a reason, not a number
      expect(groups.get('Etoposide')).toEqual({ value: null, reason: 'no other compound with MoA Etoposide' });
    } finally {
      await pool.close();
    }
  });
});
