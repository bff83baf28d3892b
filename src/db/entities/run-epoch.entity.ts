import { Column, CreateDateColumn, Entity, Unique } from 'typeorm';
import { bigintAsNumber } from '../column-transformers';
import { RunOwnedColumns } from './run-owned.columns';

/** One row per finished epoch; the unique key keeps a resumed run from counting an epoch twice. */
@Entity('run_epochs')
@Unique('uq_run_epochs_run_epoch', ['runId', 'epoch'])
export class RunEpochEntity extends RunOwnedColumns {
  @Column({ type: 'integer' })
  epoch: number;

  @Column({ type: 'double precision' })
  trainLoss: number;

  @Column({ type: 'double precision', nullable: true })
  validationLoss: number | null;

  @Column({ type: 'double precision' })
  wallSeconds: number;

  @Column({ type: 'double precision' })
  cpuSeconds: number;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  peakRssBytes: number;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  peakTensorBytes: number;

  @Column({ type: 'bigint', nullable: true, transformer: bigintAsNumber })
  gpuMemoryBytes: number | null;

  @Column({ type: 'integer' })
  imagesSeen: number;

  @Column({ type: 'double precision' })
  imagesPerSecond: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
