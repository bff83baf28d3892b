import type { DataSource } from 'typeorm';
import { CellLineEntity } from '../entities/cell-line.entity';
import { CompoundEntity } from '../entities/compound.entity';

export interface ImageInfo {
  id: number;
  screenId: string;
  path: string;
  plate: string;
  well: string;
  site: number;
  concentration: number;
  cellLineId: number;
  compoundId: number;
}

export interface ImageFilter {
  cellLineId?: number;
  compoundId?: number;
  plate?: string;
}

/** The catalog as nearest-neighbour queries need it: names or ids to rows, image metadata in bulk. */
export class NeighbourRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** By numeric id, or by name (case-insensitive). */
  compound(idOrName: string): Promise<CompoundEntity | null> {
    const repository = this.dataSource.getRepository(CompoundEntity);
    if (/^\d+$/.test(idOrName)) return repository.findOneBy({ id: Number(idOrName) });
    return repository.createQueryBuilder('c').where('lower(c.name) = lower(:name)', { name: idOrName }).getOne();
  }

  cellLine(idOrName: string): Promise<CellLineEntity | null> {
    const repository = this.dataSource.getRepository(CellLineEntity);
    if (/^\d+$/.test(idOrName)) return repository.findOneBy({ id: Number(idOrName) });
    return repository.createQueryBuilder('c').where('lower(c.name) = lower(:name)', { name: idOrName }).getOne();
  }

  compoundsById(ids: readonly number[]): Promise<CompoundEntity[]> {
    return this.dataSource.getRepository(CompoundEntity).createQueryBuilder('c').where('c.id = ANY(:ids)', { ids }).getMany();
  }

  cellLinesById(ids: readonly number[]): Promise<CellLineEntity[]> {
    return this.dataSource.getRepository(CellLineEntity).createQueryBuilder('c').where('c.id = ANY(:ids)', { ids }).getMany();
  }

  async images(ids: readonly number[]): Promise<ImageInfo[]> {
    if (ids.length === 0) return [];
    const rows: Array<{ id: number; screen_id: string; path: string; plate: string; well: string; site: number; concentration: number; cell_line_id: number; compound_id: number }> =
      await this.dataSource.query('SELECT id, screen_id, path, plate, well, site, concentration, cell_line_id, compound_id FROM images WHERE id = ANY($1::int[])', [ids]);
    const byId = new Map(
      rows.map((row) => [
        row.id,
        { id: row.id, screenId: row.screen_id, path: row.path, plate: row.plate, well: row.well, site: row.site, concentration: row.concentration, cellLineId: row.cell_line_id, compoundId: row.compound_id },
      ]),
    );
    return ids.map((id) => byId.get(id)).filter((row): row is ImageInfo => row !== undefined);
  }

  async plateExists(screenId: string, plate: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query('SELECT 1 FROM images WHERE screen_id = $1 AND plate = $2 LIMIT 1', [screenId, plate]);
    return rows.length > 0;
  }

  async imageIds(screenId: string, filter: ImageFilter): Promise<number[]> {
    const conditions = ['screen_id = $1'];
    const values: unknown[] = [screenId];
    if (filter.cellLineId !== undefined) conditions.push(`cell_line_id = $${values.push(filter.cellLineId)}`);
    if (filter.compoundId !== undefined) conditions.push(`compound_id = $${values.push(filter.compoundId)}`);
    if (filter.plate !== undefined) conditions.push(`plate = $${values.push(filter.plate)}`);
    const rows: Array<{ id: number }> = await this.dataSource.query(`SELECT id FROM images WHERE ${conditions.join(' AND ')}`, values);
    return rows.map((row) => row.id);
  }
}
