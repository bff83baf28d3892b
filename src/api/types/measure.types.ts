import { Field, Float, Int, ObjectType } from 'type-graphql';

/**
 * The GraphQL shapes of the evaluations' Measured values (src/evaluation/undefined-value.ts):
 * a metric that may be undefined is the value, or null and the reason; over cell lines, a
 * median and MAD of those.
 */
@ObjectType('Measure', { description: 'A metric that may be undefined for the data: the value, or null and why' })
export class MeasureType {
  @Field(() => Float, { nullable: true })
  value: number | null;

  @Field(() => String, { nullable: true, description: 'why the value is undefined' })
  reason?: string | null;
}

@ObjectType('MedianMad', { description: 'Median and median absolute deviation over the cell lines where the value is defined' })
export class MedianMadType {
  @Field(() => MeasureType)
  median: MeasureType;

  @Field(() => MeasureType)
  mad: MeasureType;

  @Field(() => Int, { description: 'cell lines with a defined value' })
  cellLines: number;
}
