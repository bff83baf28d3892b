import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('compounds')
export class CompoundEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'text', unique: true })
  name: string;

  /** mechanism of action, e.g. "antifolate" */
  @Column({ type: 'text', nullable: true })
  moa: string | null;

  @Column({ type: 'text', nullable: true })
  target: string | null;

  /** vehicle or negative control such as DMSO or PBS */
  @Column({ type: 'boolean', default: false })
  isControl: boolean;
}
