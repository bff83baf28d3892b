import { Column, CreateDateColumn, Entity, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ScreenEntity } from './screen.entity';

@Entity('sweeps')
export class SweepEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  screenId: string;

  @ManyToOne(() => ScreenEntity, { onDelete: 'CASCADE' })
  screen?: ScreenEntity;

  /** "quick", "paper" or "custom" */
  @Column({ type: 'text' })
  profile: string;

  /** the training settings every run of the sweep shares */
  @Column({ type: 'jsonb', default: {} })
  config: Record<string, unknown>;

  /** seeds each setup is trained with */
  @Column({ type: 'integer', default: 1 })
  replicates: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
