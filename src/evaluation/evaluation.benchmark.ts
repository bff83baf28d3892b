import { SeededRandom } from '../util/seeded-random';
import { evaluateClustering, DEFAULT_MIN_CLUSTER_SIZES } from './clustering.evaluator';
import { evaluateDrugClassification } from './drug-classification.evaluator';
import { evaluateDrugPair } from './drug-similarity.evaluator';
import { activityMap, consistencyMap, type MapProfile } from './map.evaluator';
import { selectRows, type VectorMatrix } from '../numeric/matrix';

/**
 * The whole evaluation of one run on synthetic embeddings the size of the demo screen
 * (about 3,000 images, 2048-d, 10 cell lines): similarity of Methotrexate and Pemetrexed,
 * drug-vs-control classification, PCA -> UMAP -> HDBSCAN sweep, and activity and
 * consistency mAP, timed stage by stage. For `morphospace bench evaluate`, which prints
 * the returned object as one JSON line. Single-threaded: the stages are plain JS.
 */
export interface EvaluationBenchOptions {
  images?: number;
  cellLines?: number;
  dim?: number;
  minClusterSizes?: readonly number[];
  nullSize?: number;
  seed?: number;
}

export interface EvaluationBenchResult {
  bench: 'evaluate';
  images: number;
  cellLines: number;
  dim: number;
  minClusterSizes: number[];
  nullSize: number;
  seconds: { similarity: number; classification: number; clustering: number; map: number; total: number };
  clustersFound: number;
}

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
  const random = new SeededRandom(`bench-evaluate:${seed}`);
  const direction = (): Float32Array => Float32Array.from({ length: dim }, () => random.normal());
  const moaDirections = new Map(COMPOUNDS.map((c) => [c.moa, direction()]));
  const compoundDirections = new Map(COMPOUNDS.map((c) => [c.name, direction()]));
  const perLine = Math.floor(images / cellLines);
  const lines: SyntheticCellLine[] = [];
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
    lines.push({ cellLine: `line${l + 1}`, embeddings: { rows: compounds.length, dim, data }, compounds });
  }
  return lines;
}

export function benchmarkEvaluation(options: EvaluationBenchOptions = {}): EvaluationBenchResult {
  const images = options.images ?? 3000;
  const cellLineCount = options.cellLines ?? 10;
  const dim = options.dim ?? 2048;
  const minClusterSizes = [...(options.minClusterSizes ?? DEFAULT_MIN_CLUSTER_SIZES)];
  const nullSize = options.nullSize ?? 10000;
  const lines = syntheticRunEmbeddings(images, cellLineCount, dim, options.seed ?? 1);
  const seconds = { similarity: 0, classification: 0, clustering: 0, map: 0, total: 0 };
  const clock = (stage: keyof typeof seconds, work: () => void): void => {
    const start = performance.now();
    work();
    seconds[stage] += (performance.now() - start) / 1000;
  };
  let clustersFound = 0;

  clock('similarity', () => {
    const byLine = lines.map((line) => {
      const byCompound = new Map<string, VectorMatrix>();
      for (const name of new Set(line.compounds)) byCompound.set(name, selectRows(line.embeddings, indicesOf(line.compounds, name)));
      return { cellLine: line.cellLine, byCompound };
    });
    evaluateDrugPair(byLine, 'Methotrexate', 'Pemetrexed');
  });
  clock('classification', () => {
    for (const line of lines) evaluateDrugClassification({ cellLine: line.cellLine, embeddings: line.embeddings, labels: line.compounds.map((c) => (c === 'DMSO' ? 0 : 1)) });
  });
  clock('clustering', () => {
    for (const line of lines) {
      const result = evaluateClustering({ cellLine: line.cellLine, embeddings: line.embeddings, compounds: line.compounds }, { minClusterSizes });
      if (result.status === 'ok') clustersFound += result.sweep[0].clusterCount;
    }
  });
  clock('map', () => {
    for (const line of lines) {
      const profiles: MapProfile[] = line.compounds.map((name) => ({ compound: name, isControl: name === 'DMSO', moa: COMPOUNDS.find((c) => c.name === name)!.moa }));
      activityMap(line.embeddings, profiles, { nullSize, seed: line.cellLine });
      // consistency on one consensus (mean) profile per compound, as copairs recommends
      const names = [...new Set(line.compounds)].filter((name) => name !== 'DMSO');
      const consensus = new Float32Array(names.length * dim);
      names.forEach((name, j) => {
        const members = indicesOf(line.compounds, name);
        for (const i of members) for (let k = 0; k < dim; k += 1) consensus[j * dim + k] += line.embeddings.data[i * dim + k] / members.length;
      });
      consistencyMap({ rows: names.length, dim, data: consensus }, names.map((name) => ({ compound: name, isControl: false, moa: COMPOUNDS.find((c) => c.name === name)!.moa })), { nullSize, seed: line.cellLine });
    }
  });
  seconds.total = seconds.similarity + seconds.classification + seconds.clustering + seconds.map;
  for (const key of Object.keys(seconds) as Array<keyof typeof seconds>) seconds[key] = Math.round(seconds[key] * 1000) / 1000;
  return { bench: 'evaluate', images: lines.reduce((sum, line) => sum + line.embeddings.rows, 0), cellLines: lines.length, dim, minClusterSizes, nullSize, seconds, clustersFound };
}

function indicesOf(values: readonly string[], wanted: string): number[] {
  const out: number[] = [];
  values.forEach((value, i) => {
    if (value === wanted) out.push(i);
  });
  return out;
}
