import { Column, Entity, Index, ManyToOne, Unique } from 'typeorm';
import { ScreenEntity } from './screen.entity';
import { TreatmentColumns } from './treatment.columns';

@Entity('images')
@Unique('uq_images_screen_path', ['screenId', 'path'])
@Index('ix_images_screen_cell_line_compound', ['screenId', 'cellLineId', 'compoundId'])
export class ImageEntity extends TreatmentColumns {
  @Column({ type: 'uuid' })
  screenId: string;

  @ManyToOne(() => ScreenEntity, { onDelete: 'CASCADE' })
  screen?: ScreenEntity;

  /** relative to the screen's root */
  @Column({ type: 'text' })
  path: string;

  /** one file per channel in the screen's order, relative to the root, the first equal to `path`; null: one file holds every channel */
  @Column({ type: 'text', array: true, nullable: true })
  channelPaths: string[] | null;

  @Column({ type: 'text' })
  plate: string;

  @Column({ type: 'text' })
  well: string;

  @Column({ type: 'integer', default: 1 })
  site: number;

  /** sha256 of the file: a re-import of the same screen changes nothing */
  @Index('ix_images_content_hash')
  @Column({ type: 'text' })
  contentHash: string;
}
