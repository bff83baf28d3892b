import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { CropMode, Paradigm } from '../../training/setups';

/** One of the 16 paradigm x strategy combinations; rows are seeded by the first migration. */
@Entity('setups')
export class SetupEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'text', unique: true })
  name: string;

  @Column({ type: 'text' })
  paradigm: Paradigm;

  @Column({ type: 'text' })
  cropMode: CropMode;

  @Column({ type: 'boolean' })
  augment: boolean;
}
