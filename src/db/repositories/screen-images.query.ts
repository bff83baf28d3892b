import path from 'node:path';
import type { DataSource } from 'typeorm';

/** An image with what training, embedding, profiling and filtering need to know about it. */
export interface ScreenImage {
  id: number;
  /** absolute */
  path: string;
  cellLineId: number;
  compoundId: number;
  concentration: number;
  plate: string;
  well: string;
  isControl: boolean;
  /** the compound's name, e.g. DMSO: normalisation is against the plate's DMSO wells */
  compound: string;
}

/** A screen's images in id order, paths made absolute: the one query training and embedding read them with. */
export async function screenImages(dataSource: DataSource, screenId: string): Promise<ScreenImage[]> {
  const rows: Array<{ id: number; root: string; path: string; cell_line_id: number; compound_id: number; concentration: number; plate: string; well: string; is_control: boolean; compound: string }> =
    await dataSource.query(
      `SELECT i.id, s.root, i.path, i.cell_line_id, i.compound_id, i.concentration, i.plate, i.well, c.is_control, c.name AS compound
         FROM images i JOIN screens s ON s.id = i.screen_id JOIN compounds c ON c.id = i.compound_id
        WHERE i.screen_id = $1 ORDER BY i.id`,
      [screenId],
    );
  return rows.map((row) => ({
    id: row.id,
    path: path.resolve(row.root, row.path),
    cellLineId: row.cell_line_id,
    compoundId: row.compound_id,
    concentration: row.concentration,
    plate: row.plate,
    well: row.well,
    isControl: row.is_control,
    compound: row.compound,
  }));
}
