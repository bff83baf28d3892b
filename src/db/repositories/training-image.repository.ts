import path from 'node:path';
import type { DataSource } from 'typeorm';

/** An image as training sees it: where it is and whether it was treated with a drug. */
export interface TrainingImage {
  id: number;
  /** absolute */
  path: string;
  plate: string;
  well: string;
  /** 1 = drug, 0 = control */
  label: number;
}

export class TrainingImageRepository {
  constructor(private readonly dataSource: DataSource) {}

  async imagesOf(screenId: string): Promise<TrainingImage[]> {
    const rows: Array<{ id: number; root: string; path: string; plate: string; well: string; is_control: boolean }> = await this.dataSource.query(
      `SELECT i.id, s.root, i.path, i.plate, i.well, c.is_control
         FROM images i JOIN screens s ON s.id = i.screen_id JOIN compounds c ON c.id = i.compound_id
        WHERE i.screen_id = $1 ORDER BY i.id`,
      [screenId],
    );
    return rows.map((row) => ({
      id: row.id,
      path: path.resolve(row.root, row.path),
      plate: row.plate,
      well: row.well,
      label: row.is_control ? 0 : 1,
    }));
  }
}
