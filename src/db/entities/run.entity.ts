import { Column, CreateDateColumn, Entity, Index, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ScreenEntity } from './screen.entity';
import { SetupEntity } from './setup.entity';
import { SweepEntity } from './sweep.entity';

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

@Entity('runs')
@Index('ix_runs_sweep', ['sweepId'])
@Index('ix_runs_created', ['createdAt', 'id'])
export class RunEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid', nullable: true })
  sweepId: string | null;

  @ManyToOne(() => SweepEntity, { onDelete: 'CASCADE', nullable: true })
  sweep?: SweepEntity | null;

  @Column({ type: 'integer' })
  setupId: number;

  @ManyToOne(() => SetupEntity)
  setup?: SetupEntity;

  @Column({ type: 'uuid' })
  screenId: string;

  @ManyToOne(() => ScreenEntity, { onDelete: 'CASCADE' })
  screen?: ScreenEntity;

  /** which of its sweep's replicates (0-based); the run's seed is the sweep's seed plus this */
  @Column({ type: 'integer', default: 0 })
  replicate: number;

  @Column({ type: 'text', default: 'queued' })
  status: RunStatus;

  /** tfjs backend that trained it: tensorflow, webgpu, wasm, cpu */
  @Column({ type: 'text', nullable: true })
  backend: string | null;

  @Column({ type: 'text', nullable: true })
  device: string | null;

  /** what ran its training steps: 'onnx' (onnxruntime-node) or 'wasm' (tfjs, on `backend`); null before training */
  @Column({ type: 'text', nullable: true })
  trainingRuntime: string | null;

  /** epochs, batch size, learning rate, seed, ... */
  @Column({ type: 'jsonb', default: {} })
  config: Record<string, unknown>;

  @Column({ type: 'integer', default: 0 })
  epochsCompleted: number;

  /** totals over the run: wall and CPU time, peak memory, images seen */
  @Column({ type: 'jsonb', nullable: true })
  resources: Record<string, unknown> | null;

  @Column({ type: 'text', nullable: true })
  checkpointPath: string | null;

  /** what embedded it last: 'onnx' (onnxruntime-node) or the tfjs backend, e.g. 'wasm' */
  @Column({ type: 'text', nullable: true })
  embeddingRuntime: string | null;

  /** epoch and batch while it trains: a polling field for progress bars */
  @Column({ type: 'jsonb', nullable: true })
  progress: Record<string, unknown> | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  startedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  finishedAt: Date | null;
}
