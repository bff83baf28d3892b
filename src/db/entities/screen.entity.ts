import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ChannelNormalisation } from '../../data/channels/channel-normalisation';
import type { ScreenChannel } from '../../data/channels/screen-channel';

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

  /** the ordered channels every image of the screen has; a grey screen has one */
  // the default as Postgres prints jsonb (a space after each colon and comma), so the schema check matches it
  @Column({ type: 'jsonb', default: () => `'[{"name": "grey", "role": "grey"}]'` })
  channels: ScreenChannel[];

  /** per plate, the [low, high] intensity range of each channel (robust percentiles); null for a grey screen */
  @Column({ type: 'jsonb', nullable: true })
  channelNormalisation: ChannelNormalisation | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
