import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { TASK_NAMES, type TaskName } from '../../evaluation/tasks/task.registry';
import { nameEnum } from './name-enum';
import { ProfileNormalizationValue } from './neighbour.types';

export const EvaluationTaskEnum = nameEnum(TASK_NAMES, 'EvaluationTask');

@InputType('EvaluationParametersInput', { description: 'Evaluation parameters; every one has a default' })
export class EvaluationParametersInput {
  @Field(() => String, { nullable: true, description: 'default Methotrexate' })
  drugA?: string;

  @Field(() => String, { nullable: true, description: 'default Pemetrexed' })
  drugB?: string;

  @Field(() => String, { nullable: true, description: 'default DMSO' })
  control?: string;

  @Field(() => ProfileNormalizationValue, { nullable: true, description: "every feature scaled against the control's images on the same plate before any task (default STANDARDIZE)" })
  normalization?: ProfileNormalizationValue;

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

  @Field(() => Boolean, { nullable: true, description: 'no sampling at any size: every image pair, UMAP and PCA on every image (default false: seeded samples of fixed size on large cell lines)' })
  exact?: boolean;

  @Field(() => Int, { nullable: true, description: 'seed of the samples a large cell line is evaluated on (default 0)' })
  sampleSeed?: number;

  @Field(() => [EvaluationTaskEnum], { nullable: true, description: 'default all' })
  tasks?: TaskName[];
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
