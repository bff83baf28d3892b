import { Column, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CellLineEntity } from './cell-line.entity';
import { CompoundEntity } from './compound.entity';

/** The columns of a row about one treatment: a compound at a concentration on a cell line. */
export abstract class TreatmentColumns {
  /** integer ids double as vector-index labels (hnswlib takes uint32) */
  @PrimaryGeneratedColumn()
  id: number;

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
}
