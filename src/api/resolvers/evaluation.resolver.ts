import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { DISTANCE_METRICS } from '../../numeric/distance.metrics';
import type {
  ClassificationAggregateResult,
  ClassificationCellLineResult,
  ClassificationMetricName,
  ClusteringCellLineResult,
  MapAggregateResult,
  MapCellLineResult,
  SimilarityAggregateResult,
  SimilarityCellLineResult,
} from '../../evaluation/evaluation-results';
import { undefinedBecause } from '../../evaluation/undefined-value';
import type { RequestContext } from '../context';
import {
  ClassificationType,
  ClusteringType,
  EvaluationParametersInput,
  MapKindValue,
  MeanAveragePrecisionType,
  QueuedEvaluationType,
  SimilarityType,
} from '../types/evaluation.types';

/** Reads stored evaluations (computed on demand when missing) and queues re-evaluations. */
@Resolver()
export class EvaluationResolver {
  @Query(() => SimilarityType, { description: 'Similarity of two known drugs (or, with moa, of the compounds sharing it) against the control, per cell line and over cell lines' })
  async similarity(
    @Arg('run', () => ID) run: string,
    @Arg('drugA', () => String, { defaultValue: 'Methotrexate' }) drugA: string,
    @Arg('drugB', () => String, { defaultValue: 'Pemetrexed' }) drugB: string,
    @Arg('control', () => String, { defaultValue: 'DMSO' }) control: string,
    @Arg('cellLine', () => ID, { nullable: true, description: 'id or name; every cell line when left out' }) cellLine: string | undefined,
    @Arg('moa', () => String, { nullable: true, description: 'a MoA group instead of drugA and drugB' }) moa: string | undefined,
    @Ctx() { services }: RequestContext,
  ) {
    const found = await services.evaluations.similarity({ run, drugA, drugB, control, cellLine: cellLine ?? undefined, moa: moa ?? undefined });
    const aggregate = found.aggregate as SimilarityAggregateResult;
    return {
      runId: found.runId,
      compounds: aggregate.compounds,
      control: aggregate.control,
      moa: aggregate.moa,
      computedAt: found.createdAt,
      aggregate: DISTANCE_METRICS.map((metric) => ({ metric, ...aggregate.aggregate[metric] })),
      cellLines: found.cellLines.map(({ cellLineId, result }) => ({
        cellLineId: String(cellLineId),
        cellLine: result.cellLine,
        images: result.images,
        metrics: DISTANCE_METRICS.map((metric) => ({ metric, ...(result as SimilarityCellLineResult).metrics[metric] })),
      })),
    };
  }

  @Query(() => ClassificationType, { description: 'Drug vs control classification on held-out plates, per cell line, with per-compound activity scores' })
  async classification(
    @Arg('run', () => ID) run: string,
    @Arg('cellLine', () => ID, { nullable: true, description: 'id or name; every cell line when left out' }) cellLine: string | undefined,
    @Ctx() { services }: RequestContext,
  ) {
    const found = await services.evaluations.classification({ run, cellLine: cellLine ?? undefined });
    return {
      runId: found.runId,
      parameters: found.parameters,
      computedAt: found.createdAt,
      aggregate: found.aggregate ? (found.aggregate as ClassificationAggregateResult).metrics : null,
      cellLines: found.cellLines.map(({ cellLineId, result }) => classificationView(cellLineId, result)),
    };
  }

  @Query(() => ClusteringType, { description: 'UMAP coordinates and HDBSCAN labels of one cell line, over the sweep or at one min_cluster_size' })
  async clustering(
    @Arg('run', () => ID) run: string,
    @Arg('cellLine', () => ID, { description: 'id or name' }) cellLine: string,
    @Arg('minClusterSize', () => Int, { nullable: true, description: 'one point of the sweep (computed when not stored); the whole sweep when left out' }) minClusterSize: number | undefined,
    @Ctx() { services }: RequestContext,
  ) {
    const found = await services.evaluations.clustering({ run, cellLine, minClusterSize: minClusterSize ?? undefined });
    const result = found.result as ClusteringCellLineResult;
    const base = { runId: found.runId, cellLineId: String(found.cellLineId), cellLine: result.cellLine, parameters: found.parameters, computedAt: found.createdAt };
    if (result.status !== 'ok') return { ...base, reason: result.reason, points: 0, imageIds: [], compounds: [], coordinates: [], sweep: [] };
    const wanted = minClusterSize === undefined || minClusterSize === null ? result.sweep : result.sweep.filter((point) => point.minClusterSize === minClusterSize);
    return {
      ...base,
      reason: null,
      points: result.points,
      imageIds: result.imageIds,
      compounds: result.compounds,
      coordinates: result.coordinates,
      sweep: wanted.map((point) => ({ ...point, onDemand: point.onDemand === true })),
    };
  }

  @Query(() => MeanAveragePrecisionType, { description: 'copairs-style mAP: phenotypic activity against the control, or MoA consistency' })
  async meanAveragePrecision(
    @Arg('run', () => ID) run: string,
    @Arg('kind', () => MapKindValue) kind: MapKindValue,
    @Arg('cellLine', () => ID, { nullable: true, description: 'id or name; every cell line when left out' }) cellLine: string | undefined,
    @Ctx() { services }: RequestContext,
  ) {
    const found = await services.evaluations.meanAveragePrecision({ run, kind, cellLine: cellLine ?? undefined });
    const aggregate = found.aggregate as MapAggregateResult;
    return {
      runId: found.runId,
      kind,
      parameters: found.parameters,
      computedAt: found.createdAt,
      meanAveragePrecision: aggregate.meanAveragePrecision,
      fractionSignificant: aggregate.fractionSignificant,
      byGroup: aggregate.byGroup,
      cellLines: found.cellLines.map(({ cellLineId, result }) => {
        const line = result as MapCellLineResult;
        return { cellLineId: String(cellLineId), cellLine: line.cellLine, profiles: line.profiles, meanAveragePrecision: line.meanAveragePrecision, fractionSignificant: line.fractionSignificant, groups: line.groups };
      }),
    };
  }

  @Authorized('writer')
  @Mutation(() => QueuedEvaluationType, { description: "Queues the run's evaluation with these parameters; its results replace stored ones of the same parameters" })
  async evaluateRun(
    @Arg('run', () => ID) run: string,
    @Arg('parameters', () => EvaluationParametersInput, { nullable: true }) parameters: EvaluationParametersInput | undefined,
    @Ctx() { services }: RequestContext,
  ) {
    const clean = Object.fromEntries(Object.entries({ ...parameters }).filter(([, value]) => value !== undefined && value !== null));
    const queued = await services.evaluations.requestEvaluation(run, clean);
    return { runId: queued.runId, jobId: queued.jobId, parameters: queued.parameters };
  }
}

const REPORT_METRICS: ReadonlyArray<Exclude<ClassificationMetricName, 'topDoseRocAuc'>> = ['accuracy', 'precision', 'recall', 'specificity', 'f1', 'rocAuc'];

function classificationView(cellLineId: number, result: ClassificationCellLineResult) {
  if (result.status !== 'ok') {
    const missing = undefinedBecause(result.reason);
    return {
      cellLineId: String(cellLineId),
      cellLine: result.cellLine,
      reason: result.reason,
      trainPlates: [],
      heldOutPlates: [],
      train: null,
      test: null,
      pcaComponents: null,
      converged: null,
      confusion: null,
      ...Object.fromEntries(REPORT_METRICS.map((name) => [name, missing])),
      topDoseRocAuc: missing,
      topDose: [],
      activityScores: [],
    };
  }
  return {
    cellLineId: String(cellLineId),
    cellLine: result.cellLine,
    reason: null,
    trainPlates: result.trainPlates,
    heldOutPlates: result.heldOutPlates,
    train: result.train,
    test: result.test,
    pcaComponents: result.pcaComponents,
    converged: result.converged,
    confusion: result.report.confusion,
    ...Object.fromEntries(REPORT_METRICS.map((name) => [name, result.report[name]])),
    topDoseRocAuc: result.topDose.rocAuc,
    topDose: result.topDose.compounds,
    activityScores: result.activityScores,
  };
}
