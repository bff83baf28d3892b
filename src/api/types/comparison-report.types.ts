import { Field, Float, ID, Int, ObjectType } from 'type-graphql';

@ObjectType('ReportInterval', { description: '95% Student-t confidence interval over replicates' })
export class ReportIntervalType {
  @Field(() => Float)
  low: number;

  @Field(() => Float)
  high: number;
}

@ObjectType('BaselineComparison', { description: 'Whether a learned setup is better than each baseline in the column\'s direction; null where either value is undefined' })
export class BaselineComparisonType {
  @Field(() => Boolean, { nullable: true, description: 'better than baseline/untrained (the encoder at its seeded random initialisation)' })
  untrained: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'better than baseline/classical (hand-crafted image features)' })
  classical: boolean | null;
}

@ObjectType('ReportColumn', { description: 'A metric column of the comparison report' })
export class ReportColumnType {
  @Field(() => String, { description: 'e.g. classification.topDoseRocAuc' })
  key: string;

  @Field(() => String, { description: 'similarity, classification, clustering, map or resources' })
  task: string;

  @Field(() => String)
  label: string;

  @Field(() => String, { description: 'higher or lower' })
  better: string;

  @Field(() => String, { nullable: true, description: 'seconds, bytes or images/s; null for unitless metrics' })
  unit: string | null;

  @Field(() => Boolean, { description: "the task's headline column, which the summary judges setups by" })
  headline: boolean;
}

@ObjectType('ReportCell', { description: 'A setup in one column: the mean over replicates of each run\'s median over cell lines, its interval, spread, rank, tie with the best and baselines beaten' })
export class ReportCellType {
  @Field(() => String, { description: 'the column key' })
  column: string;

  @Field(() => Float, { nullable: true, description: 'mean over replicates; null with a reason when undefined' })
  value: number | null;

  @Field(() => ReportIntervalType, { nullable: true, description: 'null with one replicate' })
  interval: ReportIntervalType | null;

  @Field(() => Float, { nullable: true, description: 'MAD over cell lines (mean over replicates)' })
  spread: number | null;

  @Field(() => Int, { description: 'replicates with a defined value' })
  replicates: number;

  @Field(() => Int, { nullable: true, description: '1 = best among the learned setups; null for baselines' })
  rank: number | null;

  @Field(() => Boolean, { nullable: true, description: "learned setups: the difference from the column's best is not significant (two-sided paired t-test over cell lines of the replicate means, alpha 0.05); the best is tied with itself" })
  tiedWithBest: boolean | null;

  @Field(() => String, { nullable: true, description: 'why tiedWithBest is null' })
  tieReason: string | null;

  @Field(() => BaselineComparisonType, { nullable: true, description: 'learned setups only' })
  beats: BaselineComparisonType | null;

  @Field(() => String, { nullable: true, description: 'why the value is undefined' })
  reason: string | null;
}

@ObjectType('ReportRow', { description: 'A setup of the sweep with its replicate runs; baselines are rows too, marked and never ranked' })
export class ReportRowType {
  @Field(() => String)
  setup: string;

  @Field(() => String)
  paradigm: string;

  @Field(() => String, { nullable: true, description: 'untrained or classical on the baseline rows, else null' })
  baseline: string | null;

  @Field(() => [ID], { description: 'the runs, in replicate order' })
  runIds: string[];

  @Field(() => Int)
  replicates: number;

  @Field(() => String, { description: 'succeeded when every run did, else the first other status' })
  status: string;

  @Field(() => Float, { nullable: true, description: 'mean of the evaluation tasks\' mean ranks; null for baselines' })
  overallRank: number | null;

  @Field(() => [ReportCellType], { description: 'one per column, in column order' })
  cells: ReportCellType[];
}

@ObjectType('HeadlineVersusClassical', { description: "A headline column's best learned setup against baseline/classical" })
export class HeadlineVersusClassicalType {
  @Field(() => String)
  column: string;

  @Field(() => String)
  label: string;

  @Field(() => String, { nullable: true })
  bestSetup: string | null;

  @Field(() => Float, { nullable: true })
  value: number | null;

  @Field(() => Float, { nullable: true })
  classical: number | null;

  @Field(() => Boolean, { nullable: true })
  beats: boolean | null;
}

@ObjectType('ReportSummary', { description: 'Did training help (learned setups beating baseline/untrained on every headline), and does the best reach baseline/classical?' })
export class ReportSummaryType {
  @Field(() => [String], { description: 'the headline column of each task' })
  headlines: string[];

  @Field(() => Int)
  learnedSetups: number;

  @Field(() => Int, { nullable: true, description: 'null when the sweep has no baseline/untrained row' })
  beatUntrainedOnEveryHeadline: number | null;

  @Field(() => [String])
  setupsBeatingUntrained: string[];

  @Field(() => [HeadlineVersusClassicalType])
  againstClassical: HeadlineVersusClassicalType[];
}
