import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { MeasureType, MedianMadType } from '../../../api/types/measure.types';

/** GraphQL shapes of the NSC / NSCB results (nsc.result.ts). */

@ObjectType('MoaAccuracyByMoa')
export class MoaAccuracyByMoaType {
  @Field(() => String)
  moa: string;

  @Field(() => Int)
  queried: number;

  @Field(() => Int)
  correct: number;

  @Field(() => MeasureType)
  accuracy: MeasureType;
}

@ObjectType('MoaAccuracyScore', { description: '1-NN MoA accuracy under one rule (NSC or NSCB), over treatments' })
export class MoaAccuracyScoreType {
  @Field(() => MeasureType, { description: 'correct / queried treatments: the treatment-level accuracy the BBBC021 papers report' })
  accuracy: MeasureType;

  @Field(() => MeasureType, { description: 'mean over MoAs of each MoA accuracy' })
  perMoaAccuracy: MeasureType;

  @Field(() => Int)
  queried: number;

  @Field(() => Int)
  correct: number;

  @Field(() => Int, { description: 'treatments skipped: no eligible candidate under the rule' })
  skipped: number;

  @Field(() => [String], { description: 'the rows and columns of confusion' })
  moas: string[];

  @Field(() => [[Int]], { description: 'confusion[i][j]: queried treatments of MoA moas[i] whose neighbour has MoA moas[j]' })
  confusion: number[][];

  @Field(() => [MoaAccuracyByMoaType])
  byMoa: MoaAccuracyByMoaType[];

  @Field(() => MedianMadType, { nullable: true, description: "over cell lines: the median and MAD of the cell lines' accuracies (null on one cell line's score)" })
  overCellLines: MedianMadType | null;
}

@ObjectType('MoaNeighbour')
export class MoaNeighbourType {
  @Field(() => String)
  compound: string;

  @Field(() => Float)
  concentration: number;

  @Field(() => String)
  moa: string;

  @Field(() => Float, { description: 'cosine similarity of the treatment profiles' })
  similarity: number;
}

@ObjectType('MoaTreatment', { description: 'A treatment profile (compound x concentration) and its nearest neighbour under each rule' })
export class MoaTreatmentType {
  @Field(() => String)
  compound: string;

  @Field(() => Float)
  concentration: number;

  @Field(() => String)
  moa: string;

  @Field(() => [String], { description: "batches of its wells' plates" })
  batches: string[];

  @Field(() => Int)
  wells: number;

  @Field(() => Boolean, { description: 'false when no other compound has its MoA' })
  queried: boolean;

  @Field(() => MoaNeighbourType, { nullable: true })
  nsc: MoaNeighbourType | null;

  @Field(() => MoaNeighbourType, { nullable: true })
  nscb: MoaNeighbourType | null;
}

@ObjectType('CellLineMoaAccuracy')
export class CellLineMoaAccuracyType {
  @Field(() => ID)
  cellLineId: string;

  @Field(() => String)
  cellLine: string;

  @Field(() => Int, { description: 'treatments with a MoA (controls left out)' })
  treatments: number;

  @Field(() => Int, { description: 'of those, not queried: no other compound has their MoA' })
  unmatched: number;

  @Field(() => MoaAccuracyScoreType)
  nsc: MoaAccuracyScoreType;

  @Field(() => MoaAccuracyScoreType)
  nscb: MoaAccuracyScoreType;

  @Field(() => [MoaTreatmentType])
  treatmentNeighbours: MoaTreatmentType[];
}

@ObjectType('MoaAccuracy', { description: 'NSC and NSCB: cosine 1-NN MoA accuracy over treatment profiles, the neighbour not of the same compound (NSC) nor sharing a batch (NSCB)' })
export class MoaAccuracyType {
  @Field(() => ID)
  runId: string;

  @Field(() => GraphQLJSONObject)
  parameters: Record<string, unknown>;

  @Field(() => MoaAccuracyScoreType, { description: "treatments pooled over cell lines; overCellLines: the cell lines' median and MAD" })
  nsc: MoaAccuracyScoreType;

  @Field(() => MoaAccuracyScoreType)
  nscb: MoaAccuracyScoreType;

  @Field(() => [CellLineMoaAccuracyType])
  cellLines: CellLineMoaAccuracyType[];

  @Field(() => Date)
  computedAt: Date;
}
