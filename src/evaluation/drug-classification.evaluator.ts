import { SeededRandom } from '../util/seeded-random';
import { binaryClassificationReport, type BinaryClassificationReport } from './classification.metrics';
import { balancedSampleWeights, predictProbabilities, trainLogisticRegression } from './logistic-regression.classifier';
import { fitPca, projectPca } from '../numeric/pca';
import { selectRows, type VectorMatrix } from '../numeric/matrix';

/**
 * Task 2: drug vs control on frozen embeddings, per cell line. Held-out split stratified
 * by class (and, given `groups` such as wells, whole groups go to one side, so sites of one
 * well never sit on both sides); PCA fitted on the training side only (no test
 * information leaks into the features); logistic regression with balanced class weights,
 * because drugs outnumber controls many times and an unweighted model would score well by
 * predicting "drug" for everything.
 */
export interface ClassificationInput {
  cellLine: string;
  embeddings: VectorMatrix;
  /** 1 = drug-treated, 0 = control */
  labels: ArrayLike<number>;
  /** optional grouping kept on one side of the split (e.g. plate/well) */
  groups?: readonly string[];
}

export interface ClassificationOptions {
  testFraction?: number;
  seed?: number | string;
  /** PCA components before the classifier (embeddings with fewer dimensions are used as they are) */
  pcaComponents?: number;
  c?: number;
  classWeight?: 'balanced' | 'none';
  /** a split chosen by the caller (e.g. whole held-out plates for both classes) instead of the stratified one */
  split?: { train: readonly number[]; test: readonly number[] };
  /** the training rows the PCA is fitted on (default: all of them; a sample on large cell lines) */
  pcaFitRows?: readonly number[];
}

export type CellLineClassification =
  | { cellLine: string; status: 'ok'; train: number; test: number; pcaComponents: number; iterations: number; converged: boolean; report: BinaryClassificationReport; probabilities: number[]; testLabels: number[]; testIndices: number[] }
  | { cellLine: string; status: 'undefined'; reason: string };

export function evaluateDrugClassification(input: ClassificationInput, options: ClassificationOptions = {}): CellLineClassification {
  const { cellLine, embeddings, labels } = input;
  const testFraction = options.testFraction ?? 0.25;
  const counts = [0, 0];
  for (let i = 0; i < labels.length; i += 1) counts[labels[i] === 1 ? 1 : 0] += 1;
  if (counts[0] === 0) return { cellLine, status: 'undefined', reason: `cell line ${cellLine} has no control images: a single class` };
  if (counts[1] === 0) return { cellLine, status: 'undefined', reason: `cell line ${cellLine} has no drug-treated images: a single class` };
  const { train, test } = options.split
    ? { train: [...options.split.train], test: [...options.split.test] }
    : stratifiedSplit(labels, input.groups, testFraction, SeededRandom.derive('classification', options.seed ?? 0, cellLine));
  const trainLabels = train.map((i) => labels[i]);
  const testLabels = test.map((i) => labels[i]);
  for (const [side, sideLabels] of [['training', trainLabels], ['test', testLabels]] as const) {
    if (!sideLabels.includes(0) || !sideLabels.includes(1)) return { cellLine, status: 'undefined', reason: `too few images in cell line ${cellLine} to hold both classes on the ${side} side (${counts[1]} drug, ${counts[0]} control)` };
  }
  let trainX: VectorMatrix;
  let testX: VectorMatrix;
  let components = embeddings.dim;
  const wanted = options.pcaComponents ?? 50;
  if (embeddings.dim > wanted) {
    // projected straight from the cell line's matrix: no copy of its training side
    const pca = fitPca(selectRows(embeddings, options.pcaFitRows ?? train), { components: wanted, seed: `pca:${cellLine}` });
    trainX = projectPca(pca, embeddings, train);
    testX = projectPca(pca, embeddings, test);
    components = pca.components;
  } else {
    trainX = selectRows(embeddings, train);
    testX = selectRows(embeddings, test);
  }
  const model = trainLogisticRegression(trainX, trainLabels, {
    c: options.c ?? 1,
    sampleWeights: (options.classWeight ?? 'balanced') === 'balanced' ? balancedSampleWeights(trainLabels) : undefined,
  });
  const probabilities = Array.from(predictProbabilities(model, testX));
  return {
    cellLine,
    status: 'ok',
    train: train.length,
    test: test.length,
    pcaComponents: components,
    iterations: model.iterations,
    converged: model.converged,
    report: binaryClassificationReport(testLabels, probabilities),
    probabilities,
    testLabels,
    testIndices: test,
  };
}

/**
 * Per class, shuffle the groups (or single images) with the seed and send about
 * `testFraction` of the class's images to the test side, at least one group when the
 * class has two or more groups.
 */
export function stratifiedSplit(labels: ArrayLike<number>, groups: readonly string[] | undefined, testFraction: number, random: SeededRandom): { train: number[]; test: number[] } {
  const train: number[] = [];
  const test: number[] = [];
  for (const cls of [0, 1]) {
    const byGroup = new Map<string, number[]>();
    for (let i = 0; i < labels.length; i += 1) {
      if ((labels[i] === 1 ? 1 : 0) !== cls) continue;
      const key = groups ? `g:${groups[i]}` : `i:${i}`;
      const members = byGroup.get(key);
      if (members) members.push(i);
      else byGroup.set(key, [i]);
    }
    const keys = [...byGroup.keys()].sort();
    random.shuffle(keys);
    const total = keys.reduce((sum, key) => sum + byGroup.get(key)!.length, 0);
    let taken = 0;
    keys.forEach((key, index) => {
      const members = byGroup.get(key)!;
      const wantMore = taken < testFraction * total || (index === 0 && keys.length > 1);
      const leaveOne = index < keys.length - 1;
      if (wantMore && leaveOne) {
        test.push(...members);
        taken += members.length;
      } else train.push(...members);
    });
  }
  train.sort((a, b) => a - b);
  test.sort((a, b) => a - b);
  return { train, test };
}
