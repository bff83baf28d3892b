import { describe, expect, it } from 'vitest';
import { binaryClassificationReport, confusionCounts, f1, precision, recall, rocAuc, specificity } from '../../src/evaluation/classification.metrics';
import { evaluateDrugClassification } from '../../src/evaluation/drug-classification.evaluator';
import { balancedSampleWeights, predictProbabilities, trainLogisticRegression } from '../../src/evaluation/logistic-regression.classifier';
import { matrixFromRows, type VectorMatrix } from '../../src/numeric/matrix';
import { SeededRandom } from '../../src/util/seeded-random';
import { expectClose, expectNoNaN, reference } from './evaluation-reference';

describe('classification metrics (sklearn)', () => {
  const c = reference.classification;

  it('match sklearn on scores with ties', () => {
    const report = binaryClassificationReport(c.labels, c.scores, c.threshold);
    expect(report.confusionMatrix).toEqual(c.confusionMatrix);
    expectClose(report.accuracy.value, c.accuracy);
    expectClose(report.precision.value, c.precision);
    expectClose(report.recall.value, c.recall);
    expectClose(report.f1.value, c.f1);
    expectClose(report.specificity.value, c.specificity);
    expectClose(report.rocAuc.value, c.rocAuc);
  });

  it('ROC-AUC counts ties as one half', () => {
    expect(rocAuc([0, 1], [0.5, 0.5]).value).toBe(0.5);
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]).value).toBe(0.75);
  });

  it('undefined metrics are null with a reason (sklearn: zero_division / ValueError)', () => {
    const single = binaryClassificationReport([1, 1, 1], [0.9, 0.2, 0.7]);
    expect(single.rocAuc.value).toBeNull();
    expect(single.rocAuc.reason).toMatch(/only one class/);
    expect(single.specificity.reason).toMatch(/no negative samples/);
    const none = confusionCounts([0, 0, 1], [0, 0, 0]);
    expect(precision(none)).toMatchObject({ value: null });
    expect(recall(none).value).toBe(0);
    expect(f1(none).value).toBe(0);
    const empty = confusionCounts([0, 0], [0, 0]);
    expect(f1(empty).value).toBeNull();
    expect(recall(empty).value).toBeNull();
    expect(specificity(empty).value).toBe(1);
    expectNoNaN(single);
  });
});

describe('logistic regression (IRLS) equals sklearn LogisticRegression on standardised features', () => {
  const l = reference.logistic;
  const x = matrixFromRows(l.x);
  for (const name of ['plain', 'balanced'] as const) {
    it(name, () => {
      const model = trainLogisticRegression(x, l.y, { c: 1, sampleWeights: name === 'balanced' ? balancedSampleWeights(l.y) : undefined });
      expect(model.converged).toBe(true);
      Array.from(model.weights).forEach((w, j) => expectClose(w, l[name].coef[j], 1e-5));
      expectClose(model.intercept, l[name].intercept, 1e-5);
      Array.from(predictProbabilities(model, x)).forEach((p, i) => expectClose(p, l[name].probabilities[i]));
    });
  }
});

function syntheticLine(random: SeededRandom, drugs: number, controls: number, dim: number, shift: number): { embeddings: VectorMatrix; labels: number[] } {
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < drugs + controls; i += 1) {
    const drug = i < drugs ? 1 : 0;
    rows.push(Array.from({ length: dim }, (_, k) => random.normal() + (drug && k % 7 === 0 ? shift : 0)));
    labels.push(drug);
  }
  return { embeddings: matrixFromRows(rows), labels };
}

describe('drug vs control classification per cell line', () => {
  it('separates a shifted drug population on 2048-d embeddings (PCA then IRLS) deterministically', () => {
    const { embeddings, labels } = syntheticLine(new SeededRandom(1), 90, 30, 2048, 0.6);
    const a = evaluateDrugClassification({ cellLine: 'HT29', embeddings, labels }, { seed: 3 });
    const b = evaluateDrugClassification({ cellLine: 'HT29', embeddings, labels }, { seed: 3 });
    expect(a).toEqual(b);
    if (a.status !== 'ok') throw new Error(a.reason);
    expect(a.pcaComponents).toBe(50);
    // about a quarter of each class: 23 of 90 drugs, 8 of 30 controls
    expect(a.test).toBe(31);
    expect(a.report.rocAuc.value).toBeGreaterThan(0.9);
    expectNoNaN(a);
  });

  it('keeps groups on one side of the split', () => {
    const { embeddings, labels } = syntheticLine(new SeededRandom(2), 40, 20, 8, 2);
    const groups = labels.map((_, i) => `well${Math.floor(i / 4)}`);
    const result = evaluateDrugClassification({ cellLine: 'A549', embeddings, labels, groups }, { seed: 1 });
    if (result.status !== 'ok') throw new Error(result.reason);
    expect(result.train + result.test).toBe(60);
    expect(result.test % 4).toBe(0);
  });

  it('a single class, or too few images, is explained instead of NaN', () => {
    const { embeddings, labels } = syntheticLine(new SeededRandom(3), 10, 0, 4, 1);
    expect(evaluateDrugClassification({ cellLine: 'PC3', embeddings, labels })).toEqual({ cellLine: 'PC3', status: 'undefined', reason: 'cell line PC3 has no control images: a single class' });
    const tiny = syntheticLine(new SeededRandom(4), 3, 1, 4, 1);
    const result = evaluateDrugClassification({ cellLine: 'MCF7', ...tiny });
    expect(result.status).toBe('undefined');
  });
});
