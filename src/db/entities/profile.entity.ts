import { Column, Entity, Index, ManyToOne } from 'typeorm';
import { RunEntity } from './run.entity';
import { TreatmentColumns } from './treatment.columns';

export type ProfileLevel = 'treatment' | 'well';
export type ProfileNormalization = 'none' | 'standardize' | 'mad-robustize';

/** Median of image embeddings per compound x cell line x concentration, or per well. */
@Entity('profiles')
@Index('ix_profiles_lookup', ['runId', 'level', 'normalization', 'compoundId', 'cellLineId', 'concentration'])
export class ProfileEntity extends TreatmentColumns {
  @Column({ type: 'uuid' })
  runId: string;

  @ManyToOne(() => RunEntity, { onDelete: 'CASCADE' })
  run?: RunEntity;

  @Column({ type: 'text' })
  level: ProfileLevel;

  @Column({ type: 'text', default: 'none' })
  normalization: ProfileNormalization;

  /** set for well-level profiles */
  @Column({ type: 'text', nullable: true })
  plate: string | null;

  @Column({ type: 'text', nullable: true })
  well: string | null;

  @Column({ type: 'integer' })
  imageCount: number;

  @Column({ type: 'integer' })
  dimensions: number;

  @Column({ type: 'bytea' })
  vector: Buffer;
}
