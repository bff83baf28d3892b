import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ReportColumnType, ReportRowType, ReportSummaryType } from './comparison-report.types';

export enum ReportFormatValue {
  JSON = 'json',
  MARKDOWN = 'markdown',
  HTML = 'html',
}
registerEnumType(ReportFormatValue, { name: 'ReportFormat', description: 'JSON (the structured report), MARKDOWN or a self-contained HTML page' });

@ObjectType({ description: 'A resource figure of a run divided by the reference run\'s (the reference\'s are 1); null where either is unknown' })
export class ResourceRatios {
  @Field(() => Float, { nullable: true })
  wallSeconds: number | null;

  @Field(() => Float, { nullable: true })
  timeToBestEpochSeconds: number | null;

  @Field(() => Float, { nullable: true, description: 'above 1: faster than the reference run' })
  imagesPerSecond: number | null;

  @Field(() => Float, { nullable: true })
  peakRssBytes: number | null;

  @Field(() => Float, { nullable: true })
  peakTensorBytes: number | null;

  @Field(() => Float, { nullable: true })
  gpuMemoryBytes: number | null;
}

@ObjectType({ description: "A run's training resources over its finished epochs" })
export class RunResources {
  @Field(() => ID)
  runId: string;

  @Field(() => String)
  setup: string;

  @Field(() => String)
  paradigm: string;

  @Field(() => String)
  cropMode: string;

  @Field(() => Boolean)
  augment: boolean;

  @Field(() => String)
  status: string;

  @Field(() => String, { nullable: true })
  backend: string | null;

  @Field(() => String, { nullable: true })
  device: string | null;

  @Field(() => Int, { description: 'finished epochs' })
  epochs: number;

  @Field(() => Int, { nullable: true, description: 'the epoch with the lowest validation loss (training loss when none)' })
  bestEpoch: number | null;

  @Field(() => Float, { nullable: true })
  wallSeconds: number | null;

  @Field(() => Float, { nullable: true, description: 'wall time of the epochs up to the best one' })
  timeToBestEpochSeconds: number | null;

  @Field(() => Float, { nullable: true })
  imagesPerSecond: number | null;

  @Field(() => Float, { nullable: true })
  peakRssBytes: number | null;

  @Field(() => Float, { nullable: true })
  peakTensorBytes: number | null;

  @Field(() => Float, { nullable: true, description: 'null where the backend does not report GPU memory' })
  gpuMemoryBytes: number | null;

  @Field(() => ResourceRatios)
  ratios: ResourceRatios;
}

@ObjectType('ResourceComparison', { description: 'Training resources of runs side by side, each also as a ratio to a reference run' })
export class ResourceComparisonType {
  @Field(() => ID)
  referenceRunId: string;

  @Field(() => [RunResources])
  runs: RunResources[];
}

@ObjectType('ComparisonReport', { description: "A sweep's comparison of its setups by the metrics of the three tasks, mAP and resources" })
export class ComparisonReportType {
  @Field(() => ID)
  sweepId: string;

  @Field(() => ReportFormatValue)
  format: ReportFormatValue;

  @Field(() => String, { description: 'the report rendered in the format asked for' })
  content: string;

  @Field(() => GraphQLJSONObject, { description: 'the structured report as the JSON format gives it: sweep, columns, rows (cells by column key), best setup per task, summary' })
  report: Record<string, unknown>;

  @Field(() => [ReportColumnType])
  columns: ReportColumnType[];

  @Field(() => [ReportRowType], { description: 'learned setups, then the baselines' })
  rows: ReportRowType[];

  @Field(() => [BestSetupType], { description: 'among the learned setups' })
  best: BestSetupType[];

  @Field(() => ReportSummaryType)
  summary: ReportSummaryType;
}

@ObjectType('BestSetup', { description: 'The learned setup with the lowest mean rank over a task\'s metrics' })
export class BestSetupType {
  @Field(() => String, { description: 'similarity, classification, clustering, map, resources or overall' })
  task: string;

  @Field(() => String)
  setup: string;

  @Field(() => [ID], { description: 'its runs, in replicate order' })
  runIds: string[];

  @Field(() => Float)
  meanRank: number;
}
