import { Field, Int, ObjectType } from 'type-graphql';
import type { TaskName } from '../../evaluation/tasks/task.registry';
import { EvaluationTaskEnum } from './evaluation.types';
import { nameEnum } from './name-enum';
import { Run, RunStatusValue } from './run.types';
import { RunEpoch, RunProgress, Sweep, SweepStatusCount } from './sweep.types';

export const RunChangeEnum = nameEnum(
  ['status', 'epoch', 'progress', 'resync'],
  'RunChange',
  'What a run update is about; RESYNC: the server may have missed changes (its database connection dropped) and sends the current state',
);

@ObjectType({ description: 'A run as it is after a change' })
export class RunUpdate {
  @Field(() => RunChangeEnum)
  change: string;

  @Field(() => Run)
  run: Run;

  @Field(() => RunStatusValue)
  status: RunStatusValue;

  @Field(() => Int, { description: 'finished epochs' })
  epochsCompleted: number;

  @Field(() => RunEpoch, { nullable: true, description: 'the epoch just recorded, when change is EPOCH' })
  epoch: RunEpoch | null;

  @Field(() => RunProgress, { nullable: true })
  progress: RunProgress | null;

  @Field(() => String, { nullable: true, description: 'why the run failed' })
  error: string | null;
}

@ObjectType({ description: "A sweep's runs counted by status, after one of them changed status" })
export class SweepUpdate {
  @Field(() => Sweep)
  sweep: Sweep;

  @Field(() => [SweepStatusCount])
  statusCounts: SweepStatusCount[];
}

@ObjectType({ description: 'Evaluation results of a run were written' })
export class EvaluationFinished {
  @Field(() => Run)
  run: Run;

  @Field(() => [EvaluationTaskEnum], { description: 'the tasks whose results were written' })
  tasks: TaskName[];
}
