import { GraphQLJSON, GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { MeasureType } from '../../../api/types/measure.types';

/** GraphQL shapes of the clustering results (clustering.result.ts); the bulky per-image parts (coordinates, labels) are JSON. */
@ObjectType('ClusterQuality')
export class ClusterQualityType {
  @Field(() => MeasureType)
  silhouette: MeasureType;

  @Field(() => MeasureType)
  calinskiHarabasz: MeasureType;

  @Field(() => MeasureType)
  daviesBouldin: MeasureType;
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

  @Field(() => MeasureType, { description: 'how much images of one compound share a cluster' })
  consistency: MeasureType;

  @Field(() => GraphQLJSONObject)
  consistencyByCompound: Record<string, number>;

  @Field(() => MeasureType, { description: 'adjusted mutual information of the labels (noise as one label) and the compounds: about 0 by chance, 1 when each cluster is one compound' })
  ami: MeasureType;

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
