import type { EvaluationTask, SharedParameters } from '../evaluation-task';
import { evaluateNormalized, lineNormalization } from '../line-normalization';
import { classificationSampling, samplingPolicy } from '../sampling.parameters';
import { medianMad } from '../median-mad';
import { checkNumber } from '../parameter-checks';
import { undefinedBecause } from '../../undefined-value';
import { classificationOfLine } from './classification-line';
import { classificationReport } from './classification.report';
import {
  CLASSIFICATION_METRICS,
  type ClassificationAggregateResult,
  type ClassificationCellLineResult,
  type ClassificationInput,
  type ClassificationParameters,
} from './classification.result';

/** Task 2: drug vs control on frozen embeddings, trained on some plates and scored on the held-out ones. */
export const classificationTask = {
  name: 'classification' as const,
  defaults: { testFraction: 0.25, c: 1 },
  validate(input) {
    checkNumber('testFraction', input.testFraction, input.testFraction > 0 && input.testFraction < 1, 'in (0, 1)');
    checkNumber('c', input.c, input.c > 0, 'positive');
    return { testFraction: input.testFraction, c: input.c };
  },
  parameterSets: (p) => [classificationParameters(p)],
  evaluateLine: (line, sets) => evaluateNormalized(line, sets, (normalized, group) => group.map((set) => classificationOfLine(normalized, set))),
  aggregate: (_parameters, lines) => aggregateClassification(lines),
  report: classificationReport,
  resolver: () => import('./classification.resolver.js').then((module) => module.ClassificationResolver),
} satisfies EvaluationTask<'classification', ClassificationInput, ClassificationParameters, ClassificationCellLineResult, ClassificationAggregateResult>;

export function classificationParameters(p: ClassificationInput & SharedParameters): ClassificationParameters {
  return { heldOut: 'plate', testFraction: p.testFraction, pcaComponents: p.pcaComponents, c: p.c, control: p.control, seed: p.seed, sampling: classificationSampling(samplingPolicy(p)), normalization: lineNormalization(p) };
}

export function aggregateClassification(lines: readonly ClassificationCellLineResult[]): ClassificationAggregateResult {
  const metrics = {} as ClassificationAggregateResult['metrics'];
  for (const name of CLASSIFICATION_METRICS) {
    metrics[name] = medianMad(
      lines.map((line) => {
        if (line.status !== 'ok') return undefinedBecause(line.reason);
        return name === 'topDoseRocAuc' ? line.topDose.rocAuc : line.report[name];
      }),
    );
  }
  return { cellLines: lines.map((line) => line.cellLine), metrics };
}
