import { evaluateSyntheticRun, type EvaluationBenchOptions, type SyntheticAggregates } from './evaluation.benchmark';
import { EVALUATION_TASKS } from './tasks/task.registry';

/**
 * How far sampled evaluation moves each metric (README, "Sampled evaluation"): one synthetic
 * run evaluated exactly, then with each sampling seed 0 .. seeds - 1, everything else equal.
 * A metric is either a comparison-report figure ("report:" + its column key, what the
 * report compares runs by) or any numeric value of a stored aggregate (median and MAD over
 * cell lines of every similarity group, classification metric, clustering sweep point and
 * index, mAP). For `morphospace bench evaluate-error`: one JSON object per run, then one per
 * metric, then a summary with every metric's mean and maximum error (null: defined on one
 * side only).
 */
export interface SamplingErrorOptions extends Omit<EvaluationBenchOptions, 'exact' | 'sampleSeed'> {
  seeds?: number;
}

export interface MetricError {
  bench: 'evaluate-error';
  metric: string;
  reported: boolean;
  exact: number | null;
  sampled: Array<number | null>;
  /** over the seeds; null when a sampled value is defined where the exact one is not, or the other way round */
  meanAbsError: number | null;
  maxAbsError: number | null;
}

export function* benchmarkSamplingError(options: SamplingErrorOptions = {}): Generator<object> {
  const seeds = options.seeds ?? 5;
  const exact = evaluateSyntheticRun({ ...options, exact: true });
  yield { bench: 'evaluate-error', run: 'exact', images: exact.images, cellLines: exact.cellLines, seconds: exact.seconds, cpuSeconds: exact.cpuSeconds };
  const exactMetrics = metricsOf(exact.aggregates);
  const sampled: Array<Map<string, number | null>> = [];
  for (let seed = 0; seed < seeds; seed += 1) {
    const run = evaluateSyntheticRun({ ...options, exact: false, sampleSeed: seed });
    yield { bench: 'evaluate-error', run: 'sampled', sampleSeed: seed, images: run.images, cellLines: run.cellLines, seconds: run.seconds, cpuSeconds: run.cpuSeconds };
    sampled.push(metricsOf(run.aggregates));
  }
  const rows: MetricError[] = [...exactMetrics].map(([metric, value]) => {
    const values = sampled.map((metrics) => metrics.get(metric) ?? null);
    const errors = values.map((v) => (v === null || value === null ? (v === value ? 0 : null) : Math.abs(v - value)));
    const defined = errors.every((e) => e !== null) ? (errors as number[]) : null;
    return {
      bench: 'evaluate-error',
      metric,
      reported: metric.startsWith('report:'),
      exact: value,
      sampled: values,
      meanAbsError: defined ? defined.reduce((a, b) => a + b, 0) / defined.length : null,
      maxAbsError: defined ? Math.max(...defined) : null,
    };
  });
  yield* rows;
  const worst = (list: MetricError[]) => list.reduce<MetricError | undefined>((w, row) => (row.maxAbsError === null ? (w?.maxAbsError === null ? w : row) : w === undefined || (w.maxAbsError !== null && row.maxAbsError > w.maxAbsError) ? row : w), undefined);
  const reported = rows.filter((row) => row.reported);
  yield {
    bench: 'evaluate-error',
    summary: true,
    seeds,
    metrics: rows.length,
    over001: rows.filter((row) => row.maxAbsError === null || row.maxAbsError > 0.01).map((row) => row.metric),
    reportedOver001: reported.filter((row) => row.maxAbsError === null || row.maxAbsError > 0.01).map((row) => row.metric),
    worstReported: worst(reported)?.metric,
    worst: worst(rows)?.metric,
    errors: Object.fromEntries(rows.map((row) => [row.metric, { mean: significant(row.meanAbsError), max: significant(row.maxAbsError) }])),
  };
}

function significant(value: number | null): number | null {
  return value === null ? null : Number(value.toPrecision(3));
}

/** Every metric of a run's aggregates by name: the report's figures, then every numeric value. */
export function metricsOf(aggregates: SyntheticAggregates): Map<string, number | null> {
  const out = new Map<string, number | null>();
  for (const task of EVALUATION_TASKS) {
    const stored = (aggregates[task.name] ?? []).map(({ parameters, aggregate }) => ({ parameters, aggregate, lines: [] }));
    const { values } = task.report.figures(stored);
    for (const column of task.report.columns) out.set(`report:${column.key}`, values[column.key]?.value ?? null);
  }
  for (const [task, sets] of Object.entries(aggregates)) {
    for (const { parameters, aggregate } of sets) flatten(aggregate, `${task}[${setLabel(parameters)}]`, out);
  }
  return out;
}

/** Counts of cell lines, tests and queries are not metrics; values under them are skipped. */
const NOT_METRICS = new Set(['cellLines', 'tested', 'queries', 'significantIn']);

function flatten(value: unknown, path: string, out: Map<string, number | null>): void {
  if (typeof value === 'number') out.set(path, Number.isFinite(value) ? value : null);
  else if (value === null) out.set(path, null);
  else if (Array.isArray(value)) value.forEach((item, i) => flatten(item, `${path}[${itemLabel(item, i)}]`, out));
  else if (typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) if (!NOT_METRICS.has(key) && key !== 'reason' && key !== 'minClusterSize') flatten(inner, `${path}.${key}`, out);
  }
}

function itemLabel(item: unknown, index: number): string {
  if (item && typeof item === 'object') {
    const record = item as Record<string, unknown>;
    if (typeof record.minClusterSize === 'number') return `m=${record.minClusterSize}`;
    if (typeof record.group === 'string') return record.group;
  }
  return String(index);
}

function setLabel(parameters: object): string {
  const p = parameters as { kind?: string; moa?: string | null; compounds?: string[] };
  return p.kind ?? p.moa ?? p.compounds?.join(',') ?? '';
}
