import type { ScreenCompound } from '../db/repositories/evaluation.repository';
import type { VectorMatrix } from '../numeric/matrix';
import { SeededRandom } from '../util/seeded-random';
import { DEFAULT_MIN_CLUSTER_SIZES } from './clustering.evaluator';
import { resolveParameters } from './tasks/evaluation-parameters';
import type { LineData } from './tasks/evaluation-task';
import { EVALUATION_TASKS } from './tasks/task.registry';

/**
 * The whole evaluation of one run on synthetic embeddings (default the demo's size, about
 * 3,000 images, 2048-d, 10 cell lines): every task of the registry with the default
 * parameters (the pair and the MoA groups, classification, the clustering sweep, both
 * mAPs), per cell line and aggregated, timed task by task. For `morphospace bench
 * evaluate`, which prints the returned object as one JSON line. Single-threaded: the
 * tasks are plain JS (a run's evaluation spreads cell lines over worker threads). Cell
 * lines are generated one at a time and dropped once evaluated, as a run's evaluation
 * loads them, so memory holds one cell line's vectors whatever the run's size.
 */
export interface EvaluationBenchOptions {
  images?: number;
  cellLines?: number;
  dim?: number;
  minClusterSizes?: readonly number[];
  nullSize?: number;
  seed?: number;
  /** no sampling (tasks/sampling.parameters.ts) */
  exact?: boolean;
  sampleSeed?: number;
}

export interface EvaluationBenchResult {
  bench: 'evaluate';
  images: number;
  cellLines: number;
  dim: number;
  minClusterSizes: number[];
  nullSize: number;
  exact: boolean;
  sampleSeed: number;
  /** per task, and their total: wall seconds, and the CPU seconds of this process (what a loaded machine does not inflate) */
  seconds: Record<string, number>;
  cpuSeconds: Record<string, number>;
}

/** The aggregates of a synthetic run: per task, one per parameter set, with the set. */
export type SyntheticAggregates = Record<string, Array<{ parameters: object; aggregate: object }>>;

const COMPOUNDS: Array<{ name: string; moa: string; share: number }> = [
  { name: 'DMSO', moa: 'control', share: 0.2 },
  { name: 'Methotrexate', moa: 'antifolate', share: 0.1 },
  { name: 'Pemetrexed', moa: 'antifolate', share: 0.1 },
  { name: 'Paclitaxel', moa: 'microtubule', share: 0.1 },
  { name: 'Vincristine', moa: 'microtubule', share: 0.1 },
  { name: 'Etoposide', moa: 'topoisomerase', share: 0.1 },
  { name: 'Camptothecin', moa: 'topoisomerase', share: 0.1 },
  { name: 'Rapamycin', moa: 'mTOR', share: 0.1 },
  { name: 'Everolimus', moa: 'mTOR', share: 0.1 },
];

export interface SyntheticCellLine {
  cellLine: string;
  embeddings: VectorMatrix;
  compounds: string[];
}

/** ReLU-like embeddings: per-MoA direction plus a smaller per-compound one, and noise. */
export function syntheticRunEmbeddings(images: number, cellLines: number, dim: number, seed: number): SyntheticCellLine[] {
  return [...syntheticCellLines(images, cellLines, dim, seed)];
}

/** The same cell lines as syntheticRunEmbeddings, generated when asked for. */
export function* syntheticCellLines(images: number, cellLines: number, dim: number, seed: number): Generator<SyntheticCellLine> {
  const random = new SeededRandom(`bench-evaluate:${seed}`);
  const direction = (): Float32Array => Float32Array.from({ length: dim }, () => random.normal());
  const moaDirections = new Map(COMPOUNDS.map((c) => [c.moa, direction()]));
  const compoundDirections = new Map(COMPOUNDS.map((c) => [c.name, direction()]));
  const perLine = Math.floor(images / cellLines);
  for (let l = 0; l < cellLines; l += 1) {
    const compounds: string[] = [];
    for (const c of COMPOUNDS) for (let i = 0; i < Math.round(c.share * perLine); i += 1) compounds.push(c.name);
    const data = new Float32Array(compounds.length * dim);
    compounds.forEach((name, i) => {
      const moa = COMPOUNDS.find((c) => c.name === name)!.moa;
      const m = moaDirections.get(moa)!;
      const c = compoundDirections.get(name)!;
      for (let k = 0; k < dim; k += 1) data[i * dim + k] = Math.max(0, 0.3 + (moa === 'control' ? 0 : 0.25 * m[k]) + 0.1 * c[k] + 0.5 * random.normal());
    });
    yield { cellLine: `line${l + 1}`, embeddings: { rows: compounds.length, dim, data }, compounds };
  }
}

export function benchmarkEvaluation(options: EvaluationBenchOptions = {}): EvaluationBenchResult {
  const minClusterSizes: number[] = [...(options.minClusterSizes ?? DEFAULT_MIN_CLUSTER_SIZES)];
  const nullSize = options.nullSize ?? 10000;
  const exact = options.exact ?? false;
  const sampleSeed = options.sampleSeed ?? 0;
  const run = evaluateSyntheticRun({ ...options, minClusterSizes, nullSize, exact, sampleSeed });
  return { bench: 'evaluate', images: run.images, cellLines: run.cellLines, dim: run.dim, minClusterSizes, nullSize, exact, sampleSeed, seconds: run.seconds, cpuSeconds: run.cpuSeconds };
}

/** Every task on every synthetic cell line, line by line; the aggregates and the seconds per task. */
export function evaluateSyntheticRun(options: EvaluationBenchOptions): { images: number; cellLines: number; dim: number; seconds: Record<string, number>; cpuSeconds: Record<string, number>; aggregates: SyntheticAggregates } {
  const compounds: ScreenCompound[] = COMPOUNDS.map((c, id) => ({ id, name: c.name, moa: c.moa === 'control' ? null : c.moa, isControl: c.moa === 'control' }));
  const parameters = resolveParameters({ nullSize: options.nullSize, minClusterSizes: options.minClusterSizes ? [...options.minClusterSizes] : undefined, exact: options.exact, sampleSeed: options.sampleSeed });
  const plan = EVALUATION_TASKS.map((task) => ({ task, sets: task.parameterSets(parameters, compounds), lines: [] as object[][] }));
  const seconds: Record<string, number> = Object.fromEntries(EVALUATION_TASKS.map((task) => [task.name, 0]));
  const cpuSeconds: Record<string, number> = { ...seconds };
  const cpu = (): number => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1e6;
  };
  let images = 0;
  let cellLines = 0;
  let dim = 0;
  for (const raw of syntheticCellLines(options.images ?? 3000, options.cellLines ?? 10, options.dim ?? 2048, options.seed ?? 1)) {
    const line = syntheticLineData(raw);
    images += line.images.length;
    cellLines += 1;
    dim = raw.embeddings.dim;
    for (const entry of plan) {
      const start = performance.now();
      const cpuStart = cpu();
      entry.lines.push(entry.task.evaluateLine(line, entry.sets));
      seconds[entry.task.name] += (performance.now() - start) / 1000;
      cpuSeconds[entry.task.name] += cpu() - cpuStart;
    }
  }
  const aggregates: SyntheticAggregates = {};
  for (const { task, sets, lines } of plan) {
    const start = performance.now();
    const cpuStart = cpu();
    aggregates[task.name] = sets.map((set, s) => ({ parameters: set, aggregate: task.aggregate(set, lines.map((perSet) => perSet[s])) }));
    seconds[task.name] += (performance.now() - start) / 1000;
    cpuSeconds[task.name] += cpu() - cpuStart;
  }
  return { images, cellLines, dim, seconds: withTotal(seconds), cpuSeconds: withTotal(cpuSeconds), aggregates };
}

/** Rounded to milliseconds, with their sum as `total`. */
function withTotal(seconds: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  let total = 0;
  for (const [name, value] of Object.entries(seconds)) {
    out[name] = Math.round(value * 1000) / 1000;
    total += out[name];
  }
  out.total = Math.round(total * 1000) / 1000;
  return out;
}

/**
 * A synthetic cell line with the metadata a stored one has: four plates, the drugs at two
 * concentrations, eight wells per compound. The images of a compound alternate over those.
 */
export function syntheticLineData(line: SyntheticCellLine): LineData {
  const seen = new Map<string, number>();
  const images = line.compounds.map((compound, id) => {
    const k = seen.get(compound) ?? 0;
    seen.set(compound, k + 1);
    const moa = COMPOUNDS.find((c) => c.name === compound)?.moa ?? compound;
    const isControl = moa === 'control';
    return { id, compound, moa: isControl ? null : moa, isControl, concentration: isControl ? 0 : 1 + (k % 2), plate: `P${(k % 8) >> 1}`, well: `${compound}-${k % 8}` };
  });
  return { cellLine: line.cellLine, images, vectors: line.embeddings };
}
