import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { MeasureType, MedianMadType } from '../../../api/types/measure.types';

/** GraphQL shapes of the similarity results (similarity.result.ts), one entry per distance metric. */
@ObjectType('SimilarityPair', { description: 'One compound pair in one cell line under one distance metric' })
export class SimilarityPairType {
  @Field(() => String)
  compoundA: string;

  @Field(() => String)
  compoundB: string;

  @Field(() => MeasureType, { description: 'median distance over A-B image pairs' })
  medianAB: MeasureType;

  @Field(() => MeasureType)
  medianAControl: MeasureType;

  @Field(() => MeasureType)
  medianBControl: MeasureType;

  @Field(() => MeasureType, { description: 'D^-1 = 1 / median d(A, B)' })
  inverseDistance: MeasureType;

  @Field(() => MeasureType, { description: 'd = (D_hat - D) / D_hat, D_hat the mean of the two drug-control medians; > 0: A and B closer to each other than to the control' })
  relativeDistance: MeasureType;
}

@ObjectType('SimilarityMetric')
export class SimilarityMetricType {
  @Field(() => String, { description: 'euclidean, cosine, correlation or braycurtis' })
  metric: string;

  @Field(() => [SimilarityPairType])
  pairs: SimilarityPairType[];

  @Field(() => MeasureType, { description: 'the group value: mean over its defined pairs (the pair itself for two compounds)' })
  inverseDistance: MeasureType;

  @Field(() => MeasureType)
  relativeDistance: MeasureType;
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
