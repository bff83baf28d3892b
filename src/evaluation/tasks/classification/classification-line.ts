import { mean } from '../../../numeric/statistics';
import { SeededRandom } from '../../../util/seeded-random';
import { rocAuc } from '../../classification.metrics';
import { evaluateDrugClassification } from '../../drug-classification.evaluator';
import { measured, undefinedBecause, type Measured } from '../../undefined-value';
import type { LineData, LineImage } from '../evaluation-task';
import { sampleOf } from '../sampling.parameters';
import type { ActivityScore, ClassificationCellLineResult, ClassificationParameters, TopDose, TopDoseRocAuc } from './classification.result';

/**
 * Drug (1) vs control (0, every control compound) on frozen embeddings. Whole plates are
 * held out, the same plates for both classes: the classifier never sees the test plates'
 * batch effect. The held-out plates are a seeded draw of about testFraction of the cell
 * line's plates (at least one, leaving at least one to train on).
 */
export function classificationOfLine(line: LineData, parameters: ClassificationParameters): ClassificationCellLineResult {
  const { cellLine, images } = line;
  const plates = [...new Set(images.map((image) => image.plate))].sort();
  if (plates.length < 2) return { cellLine, status: 'undefined', reason: `cell line ${cellLine} is on ${plates.length} plate${plates.length === 1 ? '' : 's'}: no plate to hold out` };
  const shuffled = [...plates];
  SeededRandom.derive('held-out-plates', parameters.seed, cellLine).shuffle(shuffled);
  const heldOutCount = Math.min(plates.length - 1, Math.max(1, Math.round(parameters.testFraction * plates.length)));
  const heldOut = new Set(shuffled.slice(0, heldOutCount));
  const train: number[] = [];
  const test: number[] = [];
  images.forEach((image, i) => (heldOut.has(image.plate) ? test : train).push(i));
  const labels = images.map((image) => (image.isControl ? 0 : 1));
  const outcome = evaluateDrugClassification(
    { cellLine, embeddings: line.vectors, labels },
    { split: { train, test }, pcaComponents: parameters.pcaComponents, c: parameters.c, seed: parameters.seed, classWeight: 'balanced', pcaFitRows: pcaFitRows(train, labels, parameters, cellLine) },
  );
  if (outcome.status !== 'ok') return { cellLine, status: 'undefined', reason: outcome.reason };
  const probabilityOf = new Map<number, number>();
  outcome.testIndices.forEach((index, k) => probabilityOf.set(index, outcome.probabilities[k]));
  return {
    cellLine,
    status: 'ok',
    trainPlates: plates.filter((plate) => !heldOut.has(plate)),
    heldOutPlates: plates.filter((plate) => heldOut.has(plate)),
    train: outcome.train,
    test: outcome.test,
    pcaComponents: outcome.pcaComponents,
    iterations: outcome.iterations,
    converged: outcome.converged,
    report: outcome.report,
    activityScores: activityScores(images, probabilityOf),
    topDose: topDose(images, probabilityOf, parameters.control),
  };
}

/**
 * The training rows the PCA is fitted on: all of them up to the sample size, else that many
 * drawn per class in proportion to the class's share (drugs and controls as in training).
 */
function pcaFitRows(train: readonly number[], labels: readonly number[], parameters: ClassificationParameters, cellLine: string): readonly number[] {
  const { sampling } = parameters;
  if (sampling.exact || train.length <= sampling.pcaFitImages) return train;
  return [0, 1]
    .flatMap((cls) => {
      const rows = train.filter((i) => labels[i] === cls);
      return sampleOf(rows, Math.max(1, Math.round((sampling.pcaFitImages * rows.length) / train.length)), sampling, 'classification-pca', cellLine, cls);
    })
    .sort((a, b) => a - b);
}

function activityScores(images: readonly LineImage[], probabilityOf: ReadonlyMap<number, number>): ActivityScore[] {
  const byCompound = new Map<string, { isControl: boolean; byDose: Map<number, number[]> }>();
  images.forEach((image, i) => {
    const entry = byCompound.get(image.compound) ?? { isControl: image.isControl, byDose: new Map<number, number[]>() };
    byCompound.set(image.compound, entry);
    const scores = entry.byDose.get(image.concentration) ?? [];
    entry.byDose.set(image.concentration, scores);
    const p = probabilityOf.get(i);
    if (p !== undefined) scores.push(p);
  });
  const score = (values: number[], what: string): Measured => (values.length === 0 ? undefinedBecause(`no held-out image of ${what}`) : measured(mean(values) as number));
  return [...byCompound]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([compound, { isControl, byDose }]) => {
      const all = [...byDose.values()].flat();
      return {
        compound,
        isControl,
        images: all.length,
        score: score(all, compound),
        byConcentration: [...byDose]
          .sort(([a], [b]) => a - b)
          .map(([concentration, values]) => ({ concentration, images: values.length, score: score(values, `${compound} at ${concentration}`) })),
      };
    });
}

function topDose(images: readonly LineImage[], probabilityOf: ReadonlyMap<number, number>, control: string): TopDose {
  const top = new Map<string, number>();
  for (const image of images) if (!image.isControl) top.set(image.compound, Math.max(top.get(image.compound) ?? -Infinity, image.concentration));
  const controlScores: number[] = [];
  const drugScores = new Map<string, number[]>();
  images.forEach((image, i) => {
    const p = probabilityOf.get(i);
    if (p === undefined) return;
    if (image.compound === control) controlScores.push(p);
    else if (!image.isControl && image.concentration === top.get(image.compound)) drugScores.set(image.compound, [...(drugScores.get(image.compound) ?? []), p]);
  });
  const auc = (drug: number[], what: string): Measured => {
    if (controlScores.length === 0) return undefinedBecause(`no held-out image of the control ${control}`);
    if (drug.length === 0) return undefinedBecause(`no held-out image of ${what} at its top dose`);
    return rocAuc([...drug.map(() => 1), ...controlScores.map(() => 0)], [...drug, ...controlScores]);
  };
  const compounds: TopDoseRocAuc[] = [...top]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([compound, concentration]) => {
      const scores = drugScores.get(compound) ?? [];
      return { compound, concentration, images: scores.length, rocAuc: auc(scores, compound) };
    });
  const all = [...drugScores.values()].flat();
  return { control, rocAuc: top.size === 0 ? undefinedBecause('no drug-treated images') : auc(all, 'any drug'), compounds };
}
