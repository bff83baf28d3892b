import type { VectorMatrix } from '../numeric/matrix';

/**
 * L2-regularised logistic regression trained by Newton's method (IRLS) with a
 * backtracking line search: exact, deterministic and needs no learning rate. It
 * minimises sklearn's LogisticRegression objective
 *     0.5 |w|^2 + C * sum_i s_i * logloss(y_i, sigmoid(w.x_i + b))
 * (intercept not penalised) on standardised features (mean 0, population sd 1, as
 * StandardScaler; constant features get scale 1), so with the same C it converges to
 * sklearn's solution. Newton needs a (p+1)^2 Hessian: meant for p up to a few hundred,
 * i.e. after PCA for 2048-d embeddings (see drug-classification.evaluator.ts).
 */
export interface LogisticRegressionModel {
  dim: number;
  mean: Float64Array;
  scale: Float64Array;
  /** weights on the standardised features */
  weights: Float64Array;
  intercept: number;
  iterations: number;
  converged: boolean;
}

export interface LogisticRegressionOptions {
  /** inverse regularisation strength, sklearn's C */
  c?: number;
  /** per-sample weights (e.g. balanced classes) */
  sampleWeights?: ArrayLike<number>;
  maxIterations?: number;
  /** stop when the gradient's max-norm falls below this */
  tolerance?: number;
}

/** sklearn's class_weight='balanced': n / (2 * count of the sample's class). */
export function balancedSampleWeights(labels: ArrayLike<number>): Float64Array {
  let positives = 0;
  for (let i = 0; i < labels.length; i += 1) if (labels[i] === 1) positives += 1;
  const negatives = labels.length - positives;
  return Float64Array.from(labels, (label) => labels.length / (2 * (label === 1 ? positives : negatives)));
}

export function trainLogisticRegression(x: VectorMatrix, labels: ArrayLike<number>, options: LogisticRegressionOptions = {}): LogisticRegressionModel {
  const { rows: n, dim: p } = x;
  if (labels.length !== n) throw new RangeError(`${n} rows but ${labels.length} labels`);
  const c = options.c ?? 1;
  const sw = options.sampleWeights ?? new Float64Array(n).fill(1);
  const { mean, scale } = standardisation(x);
  const z = standardise(x, mean, scale);
  const m = p + 1; // last coordinate is the intercept
  let beta = new Float64Array(m);
  let loss = objective(z, n, p, labels, sw, c, beta);
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-9;
  let iterations = 0;
  let converged = false;
  const eta = new Float64Array(n);
  while (iterations < maxIterations) {
    linear(z, n, p, beta, eta);
    const gradient = new Float64Array(m);
    const hessian = new Float64Array(m * m);
    for (let j = 0; j < p; j += 1) {
      gradient[j] = beta[j];
      hessian[j * m + j] = 1;
    }
    for (let i = 0; i < n; i += 1) {
      const prob = sigmoid(eta[i]);
      const g = c * sw[i] * (prob - labels[i]);
      const h = c * sw[i] * Math.max(prob * (1 - prob), 1e-300);
      const o = i * p;
      for (let j = 0; j < p; j += 1) {
        const zj = z[o + j];
        gradient[j] += g * zj;
        const hz = h * zj;
        for (let k = j; k < p; k += 1) hessian[j * m + k] += hz * z[o + k];
        hessian[j * m + p] += hz;
      }
      gradient[p] += g;
      hessian[p * m + p] += h;
    }
    let maxGradient = 0;
    for (let j = 0; j < m; j += 1) maxGradient = Math.max(maxGradient, Math.abs(gradient[j]));
    if (maxGradient < tolerance) {
      converged = true;
      break;
    }
    for (let j = 0; j < m; j += 1) for (let k = 0; k < j; k += 1) hessian[j * m + k] = hessian[k * m + j];
    const step = choleskySolve(hessian, gradient, m);
    let largestStep = 0;
    for (let j = 0; j < m; j += 1) largestStep = Math.max(largestStep, Math.abs(step[j]));
    if (largestStep < 1e-10 * (1 + Math.max(...beta.map(Math.abs)))) {
      converged = true; // the Newton step no longer moves the weights at double precision
      break;
    }
    // backtracking (Armijo) keeps Newton monotone on nearly separable data
    let t = 1;
    let slope = 0;
    for (let j = 0; j < m; j += 1) slope += gradient[j] * step[j];
    let next = beta;
    let nextLoss = loss;
    for (let tries = 0; tries < 50; tries += 1) {
      next = beta.map((b, j) => b - t * step[j]);
      nextLoss = objective(z, n, p, labels, sw, c, next);
      if (nextLoss <= loss - 1e-4 * t * slope) break;
      t /= 2;
    }
    iterations += 1;
    if (!(nextLoss < loss)) {
      converged = true; // no further decrease is representable at double precision
      break;
    }
    beta = next;
    loss = nextLoss;
  }
  return { dim: p, mean, scale, weights: beta.slice(0, p), intercept: beta[p], iterations, converged };
}

/** Probability of class 1 for each row. */
export function predictProbabilities(model: LogisticRegressionModel, x: VectorMatrix): Float64Array {
  if (x.dim !== model.dim) throw new RangeError(`model has ${model.dim} features, given ${x.dim}`);
  const out = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i += 1) {
    let s = model.intercept;
    for (let j = 0; j < x.dim; j += 1) s += ((x.data[i * x.dim + j] - model.mean[j]) / model.scale[j]) * model.weights[j];
    out[i] = sigmoid(s);
  }
  return out;
}

function standardisation(x: VectorMatrix): { mean: Float64Array; scale: Float64Array } {
  const { rows: n, dim: p, data } = x;
  const mean = new Float64Array(p);
  const scale = new Float64Array(p);
  for (let i = 0; i < n; i += 1) for (let j = 0; j < p; j += 1) mean[j] += data[i * p + j];
  for (let j = 0; j < p; j += 1) mean[j] /= n;
  for (let i = 0; i < n; i += 1) for (let j = 0; j < p; j += 1) scale[j] += (data[i * p + j] - mean[j]) ** 2;
  for (let j = 0; j < p; j += 1) {
    const sd = Math.sqrt(scale[j] / n);
    scale[j] = sd > 0 ? sd : 1;
  }
  return { mean, scale };
}

function standardise(x: VectorMatrix, mean: Float64Array, scale: Float64Array): Float64Array {
  const z = new Float64Array(x.rows * x.dim);
  for (let i = 0; i < x.rows; i += 1) for (let j = 0; j < x.dim; j += 1) z[i * x.dim + j] = (x.data[i * x.dim + j] - mean[j]) / scale[j];
  return z;
}

function linear(z: Float64Array, n: number, p: number, beta: Float64Array, out: Float64Array): void {
  for (let i = 0; i < n; i += 1) {
    let s = beta[p];
    for (let j = 0; j < p; j += 1) s += z[i * p + j] * beta[j];
    out[i] = s;
  }
}

function objective(z: Float64Array, n: number, p: number, labels: ArrayLike<number>, sw: ArrayLike<number>, c: number, beta: Float64Array): number {
  let penalty = 0;
  for (let j = 0; j < p; j += 1) penalty += beta[j] * beta[j];
  let loss = 0;
  const eta = new Float64Array(n);
  linear(z, n, p, beta, eta);
  for (let i = 0; i < n; i += 1) {
    // log(1 + e^-m) with m the signed margin, stable for large |m|
    const margin = labels[i] === 1 ? eta[i] : -eta[i];
    loss += sw[i] * (margin > 0 ? Math.log1p(Math.exp(-margin)) : -margin + Math.log1p(Math.exp(margin)));
  }
  return 0.5 * penalty + c * loss;
}

function sigmoid(t: number): number {
  return t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
}

/** Solves H s = g for symmetric positive definite H (the L2 term guarantees it, bar the intercept's tiny curvature). */
function choleskySolve(h: Float64Array, g: Float64Array, m: number): Float64Array {
  const l = new Float64Array(m * m);
  for (let i = 0; i < m; i += 1) {
    for (let j = 0; j <= i; j += 1) {
      let s = h[i * m + j];
      for (let k = 0; k < j; k += 1) s -= l[i * m + k] * l[j * m + k];
      if (i === j) l[i * m + i] = Math.sqrt(Math.max(s, 1e-12));
      else l[i * m + j] = s / l[j * m + j];
    }
  }
  const y = new Float64Array(m);
  for (let i = 0; i < m; i += 1) {
    let s = g[i];
    for (let k = 0; k < i; k += 1) s -= l[i * m + k] * y[k];
    y[i] = s / l[i * m + i];
  }
  const s = new Float64Array(m);
  for (let i = m - 1; i >= 0; i -= 1) {
    let t = y[i];
    for (let k = i + 1; k < m; k += 1) t -= l[k * m + i] * s[k];
    s[i] = t / l[i * m + i];
  }
  return s;
}
