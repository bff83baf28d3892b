import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type ScreenSource = 'synthetic' | 'import';

@Entity('screens')
export class ScreenEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', unique: true })
  name: string;

  @Column({ type: 'text' })
  source: ScreenSource;

  /** directory the image paths are relative to */
  @Column({ type: 'text' })
  root: string;

  /** generator preset and seed, import manifest, ...: how the screen came to be */
  @Column({ type: 'jsonb', default: {} })
  origin: Record<string, unknown>;

  /** train / validation split, recorded so that every run of the screen sees the same one */
  @Column({ type: 'jsonb', nullable: true })
  split: Record<string, unknown> | null;

  @Column({ type: 'integer', default: 0 })
  imageCount: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
