import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { MeasureType } from '../../../api/types/measure.types';
import { nameEnum } from '../../../api/types/name-enum';
import { MAP_KINDS, type MapKind } from './map.result';

/** GraphQL shapes of the mAP results (map.result.ts). */

export const MapKindEnum = nameEnum(
  MAP_KINDS,
  'MapKind',
  'activity: replicate wells of a compound at a dose retrieved against the control wells; consistency: compounds sharing a MoA',
);
@ObjectType('MapGroup', { description: 'mAP of one group: a compound at a dose (activity) or a MoA (consistency)' })
export class MapGroupType {
  @Field(() => String)
  group: string;

  @Field(() => Int, { description: 'queries with a defined AP' })
  queries: number;

  @Field(() => MeasureType)
  meanAveragePrecision: MeasureType;

  @Field(() => MeasureType)
  pValue: MeasureType;

  @Field(() => MeasureType, { description: 'Benjamini-Hochberg within the cell line' })
  correctedPValue: MeasureType;

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

  @Field(() => MeasureType, { description: "mean of the groups' defined mAPs" })
  meanAveragePrecision: MeasureType;

  @Field(() => MeasureType)
  fractionSignificant: MeasureType;

  @Field(() => [MapGroupType])
  groups: MapGroupType[];
}

@ObjectType('MapGroupAggregate')
export class MapGroupAggregateType {
  @Field(() => String)
  group: string;

  @Field(() => Int)
  cellLines: number;

  @Field(() => MeasureType)
  meanAveragePrecision: MeasureType;

  @Field(() => Int)
  significantIn: number;
}

@ObjectType('MeanAveragePrecision', { description: 'copairs-style mean average precision of a run' })
export class MeanAveragePrecisionType {
  @Field(() => ID)
  runId: string;

  @Field(() => MapKindEnum)
  kind: MapKind;

  @Field(() => GraphQLJSONObject)
  parameters: Record<string, unknown>;

  @Field(() => MeasureType, { description: 'mean over every (cell line, group) with a defined mAP' })
  meanAveragePrecision: MeasureType;

  @Field(() => MeasureType, { description: 'share of those significant after BH correction' })
  fractionSignificant: MeasureType;

  @Field(() => [MapGroupAggregateType])
  byGroup: MapGroupAggregateType[];

  @Field(() => [CellLineMapType])
  cellLines: CellLineMapType[];

  @Field(() => Date)
  computedAt: Date;
}
