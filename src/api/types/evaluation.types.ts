import { GraphQLJSON, GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';

/**
 * GraphQL shapes of stored evaluations (src/evaluation/evaluation-results.ts). Metrics that
 * may be undefined are a Measure: the value, or null and the reason. Bulky per-image parts
 * (coordinates, labels) are JSON.
 */
@ObjectType('Measure', { description: 'A metric that may be undefined for the data: the value, or null and why' })
export class Measure {
  @Field(() => Float, { nullable: true })
  value: number | null;

  @Field(() => String, { nullable: true, description: 'why the value is undefined' })
  reason?: string | null;
}

@ObjectType('MedianMad', { description: 'Median and median absolute deviation over the cell lines where the value is defined' })
export class MedianMadType {
  @Field(() => Measure)
  median: Measure;

  @Field(() => Measure)
  mad: Measure;

  @Field(() => Int, { description: 'cell lines with a defined value' })
  cellLines: number;
}

export enum MapKindValue {
  ACTIVITY = 'activity',
  CONSISTENCY = 'consistency',
}
registerEnumType(MapKindValue, {
  name: 'MapKind',
  description: 'activity: replicate wells of a compound at a dose retrieved against the control wells; consistency: compounds sharing a MoA',
});

export enum EvaluationTaskValue {
  SIMILARITY = 'similarity',
  CLASSIFICATION = 'classification',
  CLUSTERING = 'clustering',
  MAP = 'map',
}
registerEnumType(EvaluationTaskValue, { name: 'EvaluationTask' });

// ---- similarity ----

@ObjectType('SimilarityPair', { description: 'One compound pair in one cell line under one distance metric' })
export class SimilarityPairType {
  @Field(() => String)
  compoundA: string;

  @Field(() => String)
  compoundB: string;

  @Field(() => Measure, { description: 'median distance over A-B image pairs' })
  medianAB: Measure;

  @Field(() => Measure)
  medianAControl: Measure;

  @Field(() => Measure)
  medianBControl: Measure;

  @Field(() => Measure, { description: 'D^-1 = 1 / median d(A, B)' })
  inverseDistance: Measure;

  @Field(() => Measure, { description: 'd = (D_hat - D) / D_hat, D_hat the mean of the two drug-control medians; > 0: A and B closer to each other than to the control' })
  relativeDistance: Measure;
}

@ObjectType('SimilarityMetric')
export class SimilarityMetricType {
  @Field(() => String, { description: 'euclidean, cosine, correlation or braycurtis' })
  metric: string;

  @Field(() => [SimilarityPairType])
  pairs: SimilarityPairType[];

  @Field(() => Measure, { description: 'the group value: mean over its defined pairs (the pair itself for two compounds)' })
  inverseDistance: Measure;

  @Field(() => Measure)
  relativeDistance: Measure;
}

@ObjectType('CellLineSimilarity')
export class CellLineSimilarityType {
  @Field(() => ID)
  cellLineId: string;

  @Field(() => String)
  cellLine: string;

  @Field(() => GraphQLJSONObject, { description: 'images per compound (and the control) in this cell line' })
  images: Record<string, number>;

  @Field(() => [SimilarityMetricType])
  metrics: SimilarityMetricType[];
}

@ObjectType('SimilarityAggregate')
export class SimilarityAggregateType {
  @Field(() => String)
  metric: string;

  @Field(() => MedianMadType)
  inverseDistance: MedianMadType;

  @Field(() => MedianMadType)
  relativeDistance: MedianMadType;
}

@ObjectType('Similarity', { description: 'Similarity of known drugs (a pair, or compounds sharing a MoA) against the control' })
export class SimilarityType {
  @Field(() => ID)
  runId: string;

  @Field(() => [String])
  compounds: string[];

  @Field(() => String)
  control: string;

  @Field(() => String, { nullable: true, description: 'the MoA the compounds share, when asked for a MoA group' })
  moa: string | null;

  @Field(() => [SimilarityAggregateType], { description: 'over every cell line of the screen' })
  aggregate: SimilarityAggregateType[];

  @Field(() => [CellLineSimilarityType])
  cellLines: CellLineSimilarityType[];

  @Field(() => Date)
  computedAt: Date;
}

// ---- classification ----

@ObjectType('Confusion')
export class ConfusionType {
  @Field(() => Int)
  tp: number;

  @Field(() => Int)
  fp: number;

  @Field(() => Int)
  tn: number;

  @Field(() => Int)
  fn: number;
}

@ObjectType('ConcentrationScore', { description: 'Mean held-out drug probability of one compound at one concentration' })
export class ConcentrationScoreType {
  @Field(() => Float)
  concentration: number;

  @Field(() => Int)
  images: number;

  @Field(() => Measure)
  score: Measure;
}

@ObjectType('ActivityScore', { description: "A compound's activity score: the mean drug probability of its held-out images" })
export class ActivityScoreType {
  @Field(() => String)
  compound: string;

  @Field(() => Boolean)
  isControl: boolean;

  @Field(() => Int)
  images: number;

  @Field(() => Measure)
  score: Measure;

  @Field(() => [ConcentrationScoreType])
  byConcentration: ConcentrationScoreType[];
}

@ObjectType('TopDoseRocAuc', { description: "ROC-AUC of a compound's held-out top-dose images against the control's" })
export class TopDoseRocAucType {
  @Field(() => String)
  compound: string;

  @Field(() => Float)
  concentration: number;

  @Field(() => Int)
  images: number;

  @Field(() => Measure)
  rocAuc: Measure;
}

@ObjectType('CellLineClassification', { description: 'Drug vs control on frozen embeddings in one cell line, trained on some plates and scored on the held-out plates' })
export class CellLineClassificationType {
  @Field(() => ID)
  cellLineId: string;

  @Field(() => String)
  cellLine: string;

  @Field(() => String, { nullable: true, description: 'why the whole classification is undefined (e.g. a single class); null when it ran' })
  reason: string | null;

  @Field(() => [String])
  trainPlates: string[];

  @Field(() => [String])
  heldOutPlates: string[];

  @Field(() => Int, { nullable: true })
  train: number | null;

  @Field(() => Int, { nullable: true })
  test: number | null;

  @Field(() => Int, { nullable: true })
  pcaComponents: number | null;

  @Field(() => Boolean, { nullable: true })
  converged: boolean | null;

  @Field(() => ConfusionType, { nullable: true })
  confusion: ConfusionType | null;

  @Field(() => Measure)
  accuracy: Measure;

  @Field(() => Measure)
  precision: Measure;

  @Field(() => Measure)
  recall: Measure;

  @Field(() => Measure)
  specificity: Measure;

  @Field(() => Measure)
  f1: Measure;

  @Field(() => Measure, { description: 'from the probabilities, not the hard labels' })
  rocAuc: Measure;

  @Field(() => Measure, { description: "every drug's top-dose held-out images against the control's" })
  topDoseRocAuc: Measure;

  @Field(() => [TopDoseRocAucType])
  topDose: TopDoseRocAucType[];

  @Field(() => [ActivityScoreType])
  activityScores: ActivityScoreType[];
}

@ObjectType('ClassificationAggregate')
export class ClassificationAggregateType {
  @Field(() => MedianMadType)
  accuracy: MedianMadType;

  @Field(() => MedianMadType)
  precision: MedianMadType;

  @Field(() => MedianMadType)
  recall: MedianMadType;

  @Field(() => MedianMadType)
  specificity: MedianMadType;

  @Field(() => MedianMadType)
  f1: MedianMadType;

  @Field(() => MedianMadType)
  rocAuc: MedianMadType;

  @Field(() => MedianMadType)
  topDoseRocAuc: MedianMadType;
}

@ObjectType('Classification')
export class ClassificationType {
  @Field(() => ID)
  runId: string;

  @Field(() => GraphQLJSONObject)
  parameters: Record<string, unknown>;

  @Field(() => ClassificationAggregateType, { nullable: true, description: 'over the cell lines computed so far' })
  aggregate: ClassificationAggregateType | null;

  @Field(() => [CellLineClassificationType])
  cellLines: CellLineClassificationType[];

  @Field(() => Date)
  computedAt: Date;
}

// ---- clustering ----

@ObjectType('ClusterQuality')
export class ClusterQualityType {
  @Field(() => Measure)
  silhouette: Measure;

  @Field(() => Measure)
  calinskiHarabasz: Measure;

  @Field(() => Measure)
  daviesBouldin: Measure;
}

@ObjectType('ClusteringPoint', { description: 'HDBSCAN at one min_cluster_size on the cell line’s UMAP coordinates' })
export class ClusteringPointType {
  @Field(() => Int)
  minClusterSize: number;

  @Field(() => Int)
  clusterCount: number;

  @Field(() => Float)
  noiseShare: number;

  @Field(() => ClusterQualityType)
  quality: ClusterQualityType;

  @Field(() => Measure, { description: 'how much images of one compound share a cluster' })
  consistency: Measure;

  @Field(() => GraphQLJSONObject)
  consistencyByCompound: Record<string, number>;

  @Field(() => GraphQLJSON, { description: 'cluster label per image (-1: noise), in the order of imageIds' })
  labels: number[];

  @Field(() => Boolean, { description: 'computed when first asked for, not by the evaluation job' })
  onDemand: boolean;
}

@ObjectType('Clustering', { description: 'UMAP then HDBSCAN within one cell line' })
export class ClusteringType {
  @Field(() => ID)
  runId: string;

  @Field(() => ID)
  cellLineId: string;

  @Field(() => String)
  cellLine: string;

  @Field(() => String, { nullable: true, description: 'why clustering is undefined; null when it ran' })
  reason: string | null;

  @Field(() => GraphQLJSONObject)
  parameters: Record<string, unknown>;

  @Field(() => Int)
  points: number;

  @Field(() => GraphQLJSON, { description: 'image ids, row order of everything per image' })
  imageIds: number[];

  @Field(() => GraphQLJSON, { description: 'compound name per image' })
  compounds: string[];

  @Field(() => GraphQLJSON, { description: '[x, y] per image' })
  coordinates: Array<[number, number]>;

  @Field(() => [ClusteringPointType], { description: 'the sweep, or only the asked minClusterSize' })
  sweep: ClusteringPointType[];

  @Field(() => Date)
  computedAt: Date;
}

// ---- mAP ----

@ObjectType('MapGroup', { description: 'mAP of one group: a compound at a dose (activity) or a MoA (consistency)' })
export class MapGroupType {
  @Field(() => String)
  group: string;

  @Field(() => Int, { description: 'queries with a defined AP' })
  queries: number;

  @Field(() => Measure)
  meanAveragePrecision: Measure;

  @Field(() => Measure)
  pValue: Measure;

  @Field(() => Measure, { description: 'Benjamini-Hochberg within the cell line' })
  correctedPValue: Measure;

  @Field(() => Boolean, { nullable: true })
  significant: boolean | null;
}

@ObjectType('CellLineMap')
export class CellLineMapType {
  @Field(() => ID)
  cellLineId: string;

  @Field(() => String)
  cellLine: string;

  @Field(() => Int)
  profiles: number;

  @Field(() => Measure, { description: "mean of the groups' defined mAPs" })
  meanAveragePrecision: Measure;

  @Field(() => Measure)
  fractionSignificant: Measure;

  @Field(() => [MapGroupType])
  groups: MapGroupType[];
}

@ObjectType('MapGroupAggregate')
export class MapGroupAggregateType {
  @Field(() => String)
  group: string;

  @Field(() => Int)
  cellLines: number;

  @Field(() => Measure)
  meanAveragePrecision: Measure;

  @Field(() => Int)
  significantIn: number;
}

@ObjectType('MeanAveragePrecision', { description: 'copairs-style mean average precision of a run' })
export class MeanAveragePrecisionType {
  @Field(() => ID)
  runId: string;

  @Field(() => MapKindValue)
  kind: MapKindValue;

  @Field(() => GraphQLJSONObject)
  parameters: Record<string, unknown>;

  @Field(() => Measure, { description: 'mean over every (cell line, group) with a defined mAP' })
  meanAveragePrecision: Measure;

  @Field(() => Measure, { description: 'share of those significant after BH correction' })
  fractionSignificant: Measure;

  @Field(() => [MapGroupAggregateType])
  byGroup: MapGroupAggregateType[];

  @Field(() => [CellLineMapType])
  cellLines: CellLineMapType[];

  @Field(() => Date)
  computedAt: Date;
}

// ---- mutation ----

@InputType('EvaluationParametersInput', { description: 'Evaluation parameters; every one has a default' })
export class EvaluationParametersInput {
  @Field(() => String, { nullable: true, description: 'default Methotrexate' })
  drugA?: string;

  @Field(() => String, { nullable: true, description: 'default Pemetrexed' })
  drugB?: string;

  @Field(() => String, { nullable: true, description: 'default DMSO' })
  control?: string;

  @Field(() => Boolean, { nullable: true, description: 'also every MoA group (default true)' })
  moaGroups?: boolean;

  @Field(() => Float, { nullable: true, description: 'share of plates held out (default 0.25)' })
  testFraction?: number;

  @Field(() => Int, { nullable: true, description: 'default 50' })
  pcaComponents?: number;

  @Field(() => Float, { nullable: true, description: 'inverse regularisation (default 1)' })
  c?: number;

  @Field(() => [Int], { nullable: true, description: 'default [5, 10, 20, 40]' })
  minClusterSizes?: number[];

  @Field(() => Int, { nullable: true, description: 'default 1' })
  minSamples?: number;

  @Field(() => Int, { nullable: true, description: 'mAP null size (default 10000)' })
  nullSize?: number;

  @Field(() => Float, { nullable: true, description: 'on the corrected p-value (default 0.05)' })
  threshold?: number;

  @Field(() => Int, { nullable: true, description: 'default 0' })
  seed?: number;

  @Field(() => [EvaluationTaskValue], { nullable: true, description: 'default all' })
  tasks?: EvaluationTaskValue[];
}

@ObjectType('QueuedEvaluation')
export class QueuedEvaluationType {
  @Field(() => ID)
  runId: string;

  @Field(() => ID, { nullable: true, description: 'null when an evaluation of the run with the same parameters is already waiting' })
  jobId: string | null;

  @Field(() => GraphQLJSONObject, { description: 'with the defaults filled in' })
  parameters: Record<string, unknown>;
}
