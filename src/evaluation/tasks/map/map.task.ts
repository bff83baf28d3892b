import type { EvaluationTask, SharedParameters } from '../evaluation-task';
import { evaluateNormalized, lineNormalization } from '../line-normalization';
import { checkNumber } from '../parameter-checks';
import { aggregateMap, mapOfLine, wellProfilesOf } from './map-line';
import { mapReport } from './map.report';
import { MAP_KINDS, type MapAggregateResult, type MapCellLineResult, type MapInput, type MapKind, type MapParameters } from './map.result';

/** Task 4: copairs-style mean average precision, activity and consistency, each its own result set. */
export const mapTask = {
  name: 'map' as const,
  defaults: { nullSize: 10000, threshold: 0.05 },
  validate(input) {
    checkNumber('nullSize', input.nullSize, Number.isInteger(input.nullSize) && input.nullSize >= 100 && input.nullSize <= 1_000_000, 'an integer from 100 to 1000000');
    checkNumber('threshold', input.threshold, input.threshold > 0 && input.threshold < 1, 'in (0, 1)');
    return { nullSize: input.nullSize, threshold: input.threshold };
  },
  parameterSets: (p) => MAP_KINDS.map((kind) => mapParameters(p, kind)),
  evaluateLine: (line, sets) =>
    evaluateNormalized(line, sets, (normalized, group) => {
      const wells = wellProfilesOf(normalized);
      return group.map((set) => mapOfLine(normalized, set, wells));
    }),
  aggregate: (parameters, lines) => aggregateMap(parameters.kind, lines),
  report: mapReport,
  resolver: () => import('./map.resolver.js').then((module) => module.MapResolver),
} satisfies EvaluationTask<'map', MapInput, MapParameters, MapCellLineResult, MapAggregateResult>;

export function mapParameters(p: MapInput & Pick<SharedParameters, 'control' | 'seed' | 'normalization'>, kind: MapKind): MapParameters {
  return { kind, level: kind === 'activity' ? 'well' : 'compound-top-dose', control: p.control, nullSize: p.nullSize, threshold: p.threshold, seed: p.seed, normalization: lineNormalization(p) };
}
