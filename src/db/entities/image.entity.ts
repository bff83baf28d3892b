import { Column, Entity, Index, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { CellLineEntity } from './cell-line.entity';
import { CompoundEntity } from './compound.entity';
import { ScreenEntity } from './screen.entity';

@Entity('images')
@Unique('uq_images_screen_path', ['screenId', 'path'])
@Index('ix_images_screen_cell_line_compound', ['screenId', 'cellLineId', 'compoundId'])
export class ImageEntity {
  /** integer ids double as vector-index labels (hnswlib takes uint32) */
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'uuid' })
  screenId: string;

  @ManyToOne(() => ScreenEntity, { onDelete: 'CASCADE' })
  screen?: ScreenEntity;

  /** relative to the screen's root */
  @Column({ type: 'text' })
  path: string;

  @Column({ type: 'integer' })
  cellLineId: number;

  @ManyToOne(() => CellLineEntity)
  cellLine?: CellLineEntity;

  @Column({ type: 'integer' })
  compoundId: number;

  @ManyToOne(() => CompoundEntity)
  compound?: CompoundEntity;

  /** micromolar */
  @Column({ type: 'double precision' })
  concentration: number;

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
