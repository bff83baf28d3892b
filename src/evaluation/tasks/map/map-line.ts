import { mean } from '../../../numeric/statistics';
import { elementwiseMedian } from '../../../numeric/vector';
import { activityMap, consistencyMap, type MapProfile } from '../../map.evaluator';
import { measured, undefinedBecause } from '../../undefined-value';
import type { LineData, LineImage } from '../evaluation-task';
import type { MapAggregateResult, MapCellLineResult, MapParameters } from './map.result';

/**
 * Activity: well profiles (elementwise median of a well's image embeddings); a replicate
 * group is compound + concentration; negatives are the control's wells of the same cell
 * line (other controls take no part). Consistency: one profile per non-control compound
 * with a MoA, the median of its top-dose wells' profiles; positives share the MoA.
 */
export function mapOfLine(line: LineData, parameters: MapParameters, wellProfiles = wellProfilesOf(line)): MapCellLineResult {
  const options = { nullSize: parameters.nullSize, threshold: parameters.threshold, seed: `${parameters.seed}:${line.cellLine}` };
  let vectors: Float32Array[];
  let profiles: MapProfile[];
  if (parameters.kind === 'activity') {
    const kept = wellProfiles.filter(({ image }) => !image.isControl || image.compound === parameters.control);
    vectors = kept.map((p) => p.vector);
    profiles = kept.map(({ image }) => ({ compound: image.isControl ? image.compound : `${image.compound}@${image.concentration}`, isControl: image.isControl, moa: image.moa }));
  } else {
    const top = new Map<string, number>();
    for (const { image } of wellProfiles) if (!image.isControl && image.moa) top.set(image.compound, Math.max(top.get(image.compound) ?? -Infinity, image.concentration));
    const names = [...top.keys()].sort();
    vectors = names.map((name) => elementwiseMedian(wellProfiles.filter(({ image }) => image.compound === name && image.concentration === top.get(name)).map((p) => p.vector)));
    profiles = names.map((name) => ({ compound: name, isControl: false, moa: wellProfiles.find(({ image }) => image.compound === name)!.image.moa }));
  }
  const dim = line.vectors.dim;
  const data = new Float32Array(vectors.length * dim);
  vectors.forEach((v, i) => data.set(v, i * dim));
  const matrix = { rows: vectors.length, dim, data };
  const result = parameters.kind === 'activity' ? activityMap(matrix, profiles, options) : consistencyMap(matrix, profiles, options);
  const defined = result.groups.filter((g) => g.meanAveragePrecision.value !== null).map((g) => g.meanAveragePrecision.value as number);
  const meanAveragePrecision =
    defined.length > 0
      ? measured(mean(defined) as number)
      : undefinedBecause(
          result.groups.length > 0
            ? `cell line ${line.cellLine}: ${[...new Set(result.groups.map((g) => g.meanAveragePrecision.reason))].join('; ')}`
            : parameters.kind === 'activity'
              ? `cell line ${line.cellLine} has no drug-treated wells to retrieve against ${parameters.control}`
              : `cell line ${line.cellLine} has no drug-treated compound with a MoA`,
        );
  return { ...result, cellLine: line.cellLine, profiles: vectors.length, meanAveragePrecision };
}

export interface WellProfile {
  image: LineImage;
  vector: Float32Array;
}

/** One profile per well: the elementwise median of its images (both kinds start from them: computed once per cell line). */
export function wellProfilesOf(line: LineData): WellProfile[] {
  const wells = new Map<string, { image: LineImage; rows: number[] }>();
  line.images.forEach((image, i) => {
    const key = `${image.plate}\u0000${image.well}`;
    const entry = wells.get(key) ?? { image, rows: [] };
    entry.rows.push(i);
    wells.set(key, entry);
  });
  return [...wells.values()].map(({ image, rows }) => ({
    image,
    vector: elementwiseMedian(rows.map((r) => line.vectors.data.subarray(r * line.vectors.dim, (r + 1) * line.vectors.dim))),
  }));
}

export function aggregateMap(kind: MapParameters['kind'], lines: readonly MapCellLineResult[]): MapAggregateResult {
  const tested = lines.flatMap((line) => line.groups.filter((g) => g.meanAveragePrecision.value !== null).map((g) => ({ line: line.cellLine, group: g })));
  const byGroup = new Map<string, typeof tested>();
  for (const entry of tested) byGroup.set(entry.group.group, [...(byGroup.get(entry.group.group) ?? []), entry]);
  const reason = 'no cell line has a group with a defined mAP';
  return {
    kind,
    meanAveragePrecision: tested.length ? measured(mean(tested.map((t) => t.group.meanAveragePrecision.value as number)) as number) : undefinedBecause(reason),
    fractionSignificant: tested.length ? measured(tested.filter((t) => t.group.significant).length / tested.length) : undefinedBecause(reason),
    tested: tested.length,
    cellLines: lines.map((line) => ({ cellLine: line.cellLine, meanAveragePrecision: line.meanAveragePrecision, fractionSignificant: line.fractionSignificant })),
    byGroup: [...byGroup]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([group, entries]) => ({
        group,
        cellLines: entries.length,
        meanAveragePrecision: measured(mean(entries.map((e) => e.group.meanAveragePrecision.value as number)) as number),
        significantIn: entries.filter((e) => e.group.significant).length,
      })),
  };
}
