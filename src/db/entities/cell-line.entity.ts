import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('cell_lines')
export class CellLineEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'text', unique: true })
  name: string;

  /** tissue of origin, where known */
  @Column({ type: 'text', nullable: true })
  tissue: string | null;
}
