import { SeededRandom } from '../util/seeded-random';
import { averagePrecision, benjaminiHochberg, randomAveragePrecisionPool } from './average-precision.metrics';
import { measured, undefinedBecause, type Measured } from './undefined-value';
import type { VectorMatrix } from '../numeric/matrix';

/**
 * Mean average precision, following copairs (Kalinin et al. 2025) where it is specific:
 * - similarity: cosine; each query ranks its comparison set by similarity, highest first.
 *   Ties keep positives ahead of negatives, as copairs' stable lexsort of positives
 *   concatenated before negatives does. A zero vector (cosine undefined) ranks last.
 * - AP: copairs' non-interpolated AP (average-precision.metrics.ts).
 * - "activity" (copairs' phenotypic activity): a query is one replicate of a non-control
 *   compound; positives are the compound's other replicates, negatives all controls. The
 *   comparison set holds nothing else: other compounds are neither. Controls are not
 *   queries (copairs gives each control its own reference index, so they have no positive
 *   pairs). Group = compound.
 * - "consistency": queries are non-control profiles with a MoA; positives are profiles of
 *   other compounds with the same MoA, negatives profiles with a different MoA (copairs
 *   pos_sameby MoA, neg_diffby MoA). Other replicates of the query's own compound are left
 *   out of its list (pos_diffby compound): sharing a MoA with yourself proves nothing. Best
 *   given one consensus profile per compound. Group = MoA.
 * - queries without positives (a compound with one replicate, a MoA with one compound)
 *   get AP null with the reason and are left out of the group's mAP, as copairs drops them.
 * - null: like copairs, one null of random-rank-list APs per (#positives, list length)
 *   configuration (nullSize draws, seeded by seed and configuration, so independent of
 *   query order). The null of a group's mAP is then nullSize draws of the mean over its
 *   queries of an AP picked at random from each query's configuration pool: independent
 *   per query. copairs instead averages the sorted per-configuration arrays quantile by
 *   quantile, which is not the distribution of a mean of independent APs (it is wider, so
 *   its p-values are larger). Pools keep the cost at one pool per configuration: a few
 *   hundred replicates x 10,000 draws of fresh rank lists took minutes in JS.
 * - p = (#{null >= mAP} + 1) / (nullSize + 1), the architecture's (conservative) form;
 *   copairs counts null > mAP. Compared with a 1e-12 slack so float noise in equal values
 *   (e.g. mAP = 1 and a perfect random draw) counts as equal.
 * - Benjamini-Hochberg over the groups with a p-value, as copairs' fdr_bh.
 */
export interface MapProfile {
  compound: string;
  isControl: boolean;
  moa?: string | null;
}

export interface MapOptions {
  nullSize?: number;
  seed?: number | string;
  /** significance threshold on the corrected p-value */
  threshold?: number;
}

export interface QueryAveragePrecision {
  index: number;
  compound: string;
  group: string;
  positives: number;
  total: number;
  averagePrecision: Measured;
}

export interface GroupMeanAveragePrecision {
  group: string;
  queries: number;
  meanAveragePrecision: Measured;
  pValue: Measured;
  correctedPValue: Measured;
  /** corrected p-value below the threshold; null when undefined */
  significant: boolean | null;
}

export interface MapResult {
  kind: 'activity' | 'consistency';
  nullSize: number;
  threshold: number;
  queries: QueryAveragePrecision[];
  groups: GroupMeanAveragePrecision[];
  /** share of groups with a defined mAP that are significant */
  fractionSignificant: Measured;
}

export function activityMap(vectors: VectorMatrix, profiles: readonly MapProfile[], options: MapOptions = {}): MapResult {
  check(vectors, profiles);
  const controls = indicesWhere(profiles, (p) => p.isControl);
  const queries: QueryAveragePrecision[] = [];
  const byCompound = groupIndices(profiles, (p) => (p.isControl ? null : p.compound));
  for (const [compound, members] of byCompound) {
    for (const q of members) {
      const positives = members.filter((i) => i !== q);
      queries.push(rankQuery(vectors, q, compound, compound, positives, controls, () => (positives.length === 0 ? `${compound} has a single replicate: no positives` : `no controls to compare ${compound} with`)));
    }
  }
  return summarise('activity', queries, options);
}

export function consistencyMap(vectors: VectorMatrix, profiles: readonly MapProfile[], options: MapOptions = {}): MapResult {
  check(vectors, profiles);
  const eligible = indicesWhere(profiles, (p) => !p.isControl && p.moa != null && p.moa !== '');
  const queries: QueryAveragePrecision[] = [];
  for (const q of eligible) {
    const { compound, moa } = profiles[q];
    const positives = eligible.filter((i) => profiles[i].moa === moa && profiles[i].compound !== compound);
    const negatives = eligible.filter((i) => profiles[i].moa !== moa);
    queries.push(rankQuery(vectors, q, compound, moa as string, positives, negatives, () => (positives.length === 0 ? `no other compound with MoA ${moa}` : `every compound has MoA ${moa}: no negatives`)));
  }
  return summarise('consistency', queries, options);
}

function rankQuery(vectors: VectorMatrix, q: number, compound: string, group: string, positives: number[], negatives: number[], why: () => string): QueryAveragePrecision {
  const total = positives.length + negatives.length;
  if (positives.length === 0 || negatives.length === 0) return { index: q, compound, group, positives: positives.length, total, averagePrecision: undefinedBecause(why()) };
  const items = [...positives.map((i) => ({ sim: cosineSimilarity(vectors, q, i), relevant: 1 })), ...negatives.map((i) => ({ sim: cosineSimilarity(vectors, q, i), relevant: 0 }))];
  // Array.prototype.sort is stable: equal similarities keep positives first, as copairs
  items.sort((a, b) => b.sim - a.sim);
  return { index: q, compound, group, positives: positives.length, total, averagePrecision: measured(averagePrecision(items.map((item) => item.relevant)) as number) };
}

function summarise(kind: MapResult['kind'], queries: QueryAveragePrecision[], options: MapOptions): MapResult {
  const nullSize = options.nullSize ?? 10000;
  const threshold = options.threshold ?? 0.05;
  const seed = options.seed ?? 0;
  const groups = new Map<string, QueryAveragePrecision[]>();
  const pools = new Map<string, Float64Array>();
  for (const query of queries) groups.set(query.group, [...(groups.get(query.group) ?? []), query]);
  const out: GroupMeanAveragePrecision[] = [];
  const tested: number[] = [];
  const pValues: number[] = [];
  for (const [group, members] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const defined = members.filter((m) => m.averagePrecision.value !== null);
    if (defined.length === 0) {
      const reason = members[0].averagePrecision.reason as string;
      out.push({ group, queries: 0, meanAveragePrecision: undefinedBecause(reason), pValue: undefinedBecause(reason), correctedPValue: undefinedBecause(reason), significant: null });
      continue;
    }
    const map = defined.reduce((sum, m) => sum + (m.averagePrecision.value as number), 0) / defined.length;
    const nullMaps = nullDistribution(defined, nullSize, SeededRandom.derive('map-null', kind, seed, group), pools, seed);
    let atLeast = 0;
    for (let i = 0; i < nullSize; i += 1) if (nullMaps[i] >= map - 1e-12) atLeast += 1;
    const p = (atLeast + 1) / (nullSize + 1);
    tested.push(out.length);
    pValues.push(p);
    out.push({ group, queries: defined.length, meanAveragePrecision: measured(map), pValue: measured(p), correctedPValue: undefinedBecause('pending'), significant: null });
  }
  const corrected = benjaminiHochberg(pValues);
  tested.forEach((at, i) => {
    out[at].correctedPValue = measured(corrected[i]);
    out[at].significant = corrected[i] < threshold;
  });
  const fractionSignificant = tested.length === 0 ? undefinedBecause('no group has a defined mAP') : measured(tested.filter((at) => out[at].significant).length / tested.length);
  return { kind, nullSize, threshold, queries, groups: out, fractionSignificant };
}

/** nullSize draws of the mean, over the configurations given, of one random AP from each configuration's pool. */
export function nullDistribution(configurations: ReadonlyArray<{ positives: number; total: number }>, nullSize: number, random: SeededRandom, pools = new Map<string, Float64Array>(), seed: number | string = 0): Float64Array {
  const sums = new Float64Array(nullSize);
  for (const { positives, total } of configurations) {
    const key = `${positives}/${total}`;
    let pool = pools.get(key);
    if (!pool) {
      pool = randomAveragePrecisionPool(positives, total, nullSize, SeededRandom.derive('map-pool', seed, key));
      pools.set(key, pool);
    }
    for (let draw = 0; draw < nullSize; draw += 1) sums[draw] += pool[Math.floor(random.next() * nullSize)];
  }
  for (let draw = 0; draw < nullSize; draw += 1) sums[draw] /= configurations.length;
  return sums;
}

function cosineSimilarity(vectors: VectorMatrix, a: number, b: number): number {
  const { dim, data } = vectors;
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let k = 0; k < dim; k += 1) {
    const x = data[a * dim + k];
    const y = data[b * dim + k];
    dot += x * y;
    aa += x * x;
    bb += y * y;
  }
  const denominator = Math.sqrt(aa * bb);
  return denominator === 0 ? -Infinity : dot / denominator;
}

function check(vectors: VectorMatrix, profiles: readonly MapProfile[]): void {
  if (vectors.rows !== profiles.length) throw new RangeError(`${vectors.rows} vectors but ${profiles.length} profiles`);
}

function indicesWhere(profiles: readonly MapProfile[], keep: (p: MapProfile) => boolean): number[] {
  const out: number[] = [];
  profiles.forEach((p, i) => {
    if (keep(p)) out.push(i);
  });
  return out;
}

function groupIndices(profiles: readonly MapProfile[], key: (p: MapProfile) => string | null): Map<string, number[]> {
  const out = new Map<string, number[]>();
  profiles.forEach((p, i) => {
    const k = key(p);
    if (k === null) return;
    out.set(k, [...(out.get(k) ?? []), i]);
  });
  return out;
}
