import { Column, Entity, ManyToOne, PrimaryColumn } from 'typeorm';
import { ImageEntity } from './image.entity';
import { RunEntity } from './run.entity';

/** One image's representation under one run; the primary key makes a re-embed replace, never duplicate. */
@Entity('embeddings')
export class EmbeddingEntity {
  @PrimaryColumn({ type: 'uuid' })
  runId: string;

  @ManyToOne(() => RunEntity, { onDelete: 'CASCADE' })
  run?: RunEntity;

  @PrimaryColumn({ type: 'integer' })
  imageId: number;

  @ManyToOne(() => ImageEntity, { onDelete: 'CASCADE' })
  image?: ImageEntity;

  @Column({ type: 'integer' })
  dimensions: number;

  /** little-endian float32: a quarter of the size of real[] text and fast to COPY */
  @Column({ type: 'bytea' })
  vector: Buffer;
}
