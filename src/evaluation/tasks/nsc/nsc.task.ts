import type { EvaluationTask, SharedParameters } from '../evaluation-task';
import { evaluateNormalized, lineNormalization } from '../line-normalization';
import { medianMad } from '../median-mad';
import { combineScores, moaNeighbours, treatmentProfiles } from './nsc-line';
import { nscReport } from './nsc.report';
import { NSC_RULES, type NscAggregateResult, type NscCellLineResult, type NscParameters } from './nsc.result';

/**
 * Task 5: the BBBC021 benchmark's 1-nearest-neighbour MoA accuracy over treatment profiles,
 * NSC and NSCB, within each cell line (a screen of one cell line, like BBBC021's MCF-7, gives
 * the overall figure directly). It has no request fields of its own: the control is shared.
 */
export const nscTask = {
  name: 'nsc' as const,
  defaults: {},
  validate: () => ({}),
  parameterSets: (p) => [nscParameters(p)],
  evaluateLine: (line, sets) => evaluateNormalized(line, sets, (normalized, group) => group.map((set) => moaNeighbours(normalized.cellLine, treatmentProfiles(normalized, set.control)))),
  aggregate: (_parameters, lines) => aggregateNsc(lines),
  report: nscReport,
  resolver: () => import('./nsc.resolver.js').then((module) => module.NscResolver),
} satisfies EvaluationTask<'nsc', Record<string, never>, NscParameters, NscCellLineResult, NscAggregateResult>;

export function nscParameters(p: Pick<SharedParameters, 'control' | 'normalization'>): NscParameters {
  return { control: p.control, profile: 'median-of-wells', metric: 'cosine', normalization: lineNormalization(p) };
}

/** Treatments pooled over cell lines for the counts and confusion; the cell lines' accuracies for the median and MAD. */
export function aggregateNsc(lines: readonly NscCellLineResult[]): NscAggregateResult {
  const [nsc, nscb] = NSC_RULES.map((rule) => ({
    ...combineScores(
      lines.map((line) => line[rule]),
      lines.length === 0 ? 'no cell lines' : `no cell line has a queried treatment with an eligible neighbour (${rule.toUpperCase()})`,
    ),
    overCellLines: medianMad(lines.map((line) => line[rule].accuracy)),
  }));
  return { nsc, nscb, cellLines: lines.map((line) => ({ cellLine: line.cellLine, nsc: line.nsc.accuracy, nscb: line.nscb.accuracy })) };
}
