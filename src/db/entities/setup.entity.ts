import { Check, Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { CropMode, Paradigm } from '../../training/setups';

export const SETUP_BASELINES = ['untrained', 'classical'] as const;
/** untrained: the encoder at its seeded initialisation; classical: hand-crafted image features */
export type SetupBaseline = (typeof SETUP_BASELINES)[number];

/**
 * One of the 16 paradigm x strategy combinations, or one of the two baselines every sweep runs
 * beside them (paradigm "baseline"); rows are seeded by the migrations.
 */
@Entity('setups')
@Check('CHK_setups_baseline', `"baseline" IS NULL OR "baseline" IN ('untrained', 'classical')`)
export class SetupEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'text', unique: true })
  name: string;

  @Column({ type: 'text' })
  paradigm: Paradigm | 'baseline';

  @Column({ type: 'text' })
  cropMode: CropMode;

  @Column({ type: 'boolean' })
  augment: boolean;

  /** null for the 16 learned setups */
  @Column({ type: 'text', nullable: true })
  baseline: SetupBaseline | null;
}
