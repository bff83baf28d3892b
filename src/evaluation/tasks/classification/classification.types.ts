import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { MeasureType, MedianMadType } from '../../../api/types/measure.types';

/** GraphQL shapes of the classification results (classification.result.ts). */
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

  @Field(() => MeasureType)
  score: MeasureType;
}

@ObjectType('ActivityScore', { description: "A compound's activity score: the mean drug probability of its held-out images" })
export class ActivityScoreType {
  @Field(() => String)
  compound: string;

  @Field(() => Boolean)
  isControl: boolean;

  @Field(() => Int)
  images: number;

  @Field(() => MeasureType)
  score: MeasureType;

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

  @Field(() => MeasureType)
  rocAuc: MeasureType;
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

  @Field(() => MeasureType)
  accuracy: MeasureType;

  @Field(() => MeasureType)
  precision: MeasureType;

  @Field(() => MeasureType)
  recall: MeasureType;

  @Field(() => MeasureType)
  specificity: MeasureType;

  @Field(() => MeasureType)
  f1: MeasureType;

  @Field(() => MeasureType, { description: 'from the probabilities, not the hard labels' })
  rocAuc: MeasureType;

  @Field(() => MeasureType, { description: "every drug's top-dose held-out images against the control's" })
  topDoseRocAuc: MeasureType;

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
