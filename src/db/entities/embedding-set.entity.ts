import { Column, Entity, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { RunEntity } from './run.entity';

export type EmbeddingSetStatus = 'embedding' | 'complete';

/**
 * The state of one run's embeddings as a whole. `generation` grows by one each time the
 * embed job starts writing: a vector index records the generation it was built from and is
 * stale when it differs.
 */
@Entity('embedding_sets')
export class EmbeddingSetEntity {
  @PrimaryColumn({ type: 'uuid' })
  runId: string;

  @ManyToOne(() => RunEntity, { onDelete: 'CASCADE' })
  run?: RunEntity;

  @Column({ type: 'integer', default: 1 })
  generation: number;

  @Column({ type: 'text' })
  status: EmbeddingSetStatus;

  @Column({ type: 'integer', default: 0 })
  imageCount: number;

  @Column({ type: 'integer' })
  dimensions: number;

  /** how image embeddings were made: tile size, aggregation, checkpoint epoch */
  @Column({ type: 'jsonb', default: {} })
  settings: Record<string, unknown>;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
