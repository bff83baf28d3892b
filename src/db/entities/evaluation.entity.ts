import { Column, CreateDateColumn, Entity, Index, ManyToOne } from 'typeorm';
import { CellLineEntity } from './cell-line.entity';
import type { TaskName } from '../../evaluation/tasks/task.registry';
import { RunOwnedColumns } from './run-owned.columns';

/** A downstream task's result for one run (and cell line where the task is per cell line). */
@Entity('evaluations')
@Index('ix_evaluations_run_task', ['runId', 'task', 'cellLineId'])
export class EvaluationEntity extends RunOwnedColumns {
  @Column({ type: 'text' })
  task: TaskName;

  @Column({ type: 'integer', nullable: true })
  cellLineId: number | null;

  @ManyToOne(() => CellLineEntity, { nullable: true })
  cellLine?: CellLineEntity | null;

  /** the parameters it was computed with, so another parameter set is another row */
  @Column({ type: 'jsonb', default: {} })
  parameters: Record<string, unknown>;

  @Column({ type: 'jsonb' })
  result: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
