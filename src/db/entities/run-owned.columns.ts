import { Column, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { RunEntity } from './run.entity';

/** The columns of a row that belongs to one run and is deleted with it. */
export abstract class RunOwnedColumns {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'uuid' })
  runId: string;

  @ManyToOne(() => RunEntity, { onDelete: 'CASCADE' })
  run?: RunEntity;
}
