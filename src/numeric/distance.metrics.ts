/**
 * The four distances of the reference study, with scipy.spatial.distance's definitions
 * (the paper computed them with scipy), accumulated in float64 so float32 embeddings
 * agree with scipy to ~1e-12:
 *   euclidean   sqrt(sum (u-v)^2)
 *   cosine      1 - u.v / (|u| |v|)
 *   correlation 1 - (u-mean u).(v-mean v) / (|u-mean u| |v-mean v|)
 *   braycurtis  sum |u-v| / sum |u+v|
 * Where scipy would produce NaN (a zero vector for cosine, a constant vector for
 * correlation, u = -v ... for Bray-Curtis: 0/0) these return NaN too, and the set-level
 * medians count and skip such pairs instead of letting them poison a median.
 */
export const DISTANCE_METRICS = ['euclidean', 'cosine', 'correlation', 'braycurtis'] as const;
export type DistanceMetric = (typeof DISTANCE_METRICS)[number];

/** The vector index's metrics: it searches cosine on unit vectors and euclidean on raw ones (vector.ts kernels). */
export type IndexMetric = 'cosine' | 'euclidean';

type Vector = ArrayLike<number>;

export function euclidean(u: Vector, v: Vector): number {
  checkLengths(u, v);
  let sum = 0;
  for (let i = 0; i < u.length; i += 1) {
    const d = u[i] - v[i];
    sum += d * d;
  }
  return Math.sqrt(sum);
}

export function cosine(u: Vector, v: Vector): number {
  checkLengths(u, v);
  let dot = 0;
  let uu = 0;
  let vv = 0;
  for (let i = 0; i < u.length; i += 1) {
    dot += u[i] * v[i];
    uu += u[i] * u[i];
    vv += v[i] * v[i];
  }
  return cosineFrom(dot, Math.sqrt(uu), Math.sqrt(vv));
}

export function correlation(u: Vector, v: Vector): number {
  checkLengths(u, v);
  const mu = meanOf(u);
  const mv = meanOf(v);
  let dot = 0;
  let uu = 0;
  let vv = 0;
  for (let i = 0; i < u.length; i += 1) {
    const a = u[i] - mu;
    const b = v[i] - mv;
    dot += a * b;
    uu += a * a;
    vv += b * b;
  }
  return cosineFrom(dot, Math.sqrt(uu), Math.sqrt(vv));
}

export function braycurtis(u: Vector, v: Vector): number {
  checkLengths(u, v);
  let difference = 0;
  let total = 0;
  for (let i = 0; i < u.length; i += 1) {
    difference += Math.abs(u[i] - v[i]);
    total += Math.abs(u[i] + v[i]);
  }
  return difference / total;
}

export function distance(metric: DistanceMetric, u: Vector, v: Vector): number {
  switch (metric) {
    case 'euclidean':
      return euclidean(u, v);
    case 'cosine':
      return cosine(u, v);
    case 'correlation':
      return correlation(u, v);
    case 'braycurtis':
      return braycurtis(u, v);
  }
}

/**
 * scipy takes |1 - r| (rounding can make 1 - r slightly negative for identical vectors)
 * and clamps cosine to [0, 2]; the same here so tiny distances agree in sign too.
 */
export function cosineFrom(dot: number, normU: number, normV: number): number {
  const denominator = normU * normV;
  if (denominator === 0) return Number.NaN;
  return Math.min(2, Math.abs(1 - dot / denominator));
}

export function meanOf(u: Vector): number {
  let sum = 0;
  for (let i = 0; i < u.length; i += 1) sum += u[i];
  return sum / u.length;
}

function checkLengths(u: Vector, v: Vector): void {
  if (u.length !== v.length) throw new RangeError(`vectors of different lengths: ${u.length} and ${v.length}`);
}
