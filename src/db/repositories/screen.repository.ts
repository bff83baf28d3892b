import type { DataSource } from 'typeorm';
import type { ImageFields } from '../../data/manifest.codec';
import { ScreenEntity } from '../entities/screen.entity';
import { ScreenImportSession, STAGING_TABLE } from './screen-import.session';

/** One image to write; cell line and compound by name, resolved to ids inside the transaction. */
export interface NewImage extends ImageFields {
  contentHash: string;
  /** one file per channel, the first equal to `path`; absent or null: one file */
  channelPaths?: string[] | null;
}

export interface CompoundAnnotation {
  name: string;
  moa: string | null;
  target: string | null;
  isControl: boolean;
}

/** Screens with their cell lines, compounds and images: written together or not at all. */
export class ScreenRepository {
  constructor(private readonly dataSource: DataSource) {}

  findByName(name: string): Promise<ScreenEntity | null> {
    return this.dataSource.getRepository(ScreenEntity).findOneBy({ name });
  }

  /** The stored images of a screen in a comparable form, ordered by path. */
  async imagesOf(screenId: string): Promise<NewImage[]> {
    const rows: Array<{ path: string; cell_line: string; compound: string; concentration: number; plate: string; well: string; site: number; content_hash: string }> =
      await this.dataSource.query(
        `SELECT i.path, l.name AS cell_line, c.name AS compound, i.concentration, i.plate, i.well, i.site, i.content_hash
           FROM images i JOIN cell_lines l ON l.id = i.cell_line_id JOIN compounds c ON c.id = i.compound_id
          WHERE i.screen_id = $1 ORDER BY i.path`,
        [screenId],
      );
    return rows.map((row) => ({
      path: row.path,
      cellLine: row.cell_line,
      compound: row.compound,
      concentration: Number(row.concentration),
      plate: row.plate,
      well: row.well,
      site: row.site,
      contentHash: row.content_hash,
    }));
  }

  /**
   * One transaction for a whole import, under a lock on the screen's name (two imports of one name
   * queue instead of racing to the unique constraint): `work` gets the screen already stored under
   * the name, if any, and a scratch table to stage images in. If `work` throws, nothing is written.
   */
  importInTransaction<T>(name: string, work: (session: ScreenImportSession) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('morphospace/screen'), hashtext($1))`, [name]);
      const existing = await manager.getRepository(ScreenEntity).findOneBy({ name });
      await manager.query(
        `CREATE TEMP TABLE ${STAGING_TABLE} (path text NOT NULL, cell_line text NOT NULL, compound text NOT NULL, concentration float8 NOT NULL,
           plate text NOT NULL, well text NOT NULL, site int NOT NULL, content_hash text NOT NULL, channel_paths text[]) ON COMMIT DROP`,
      );
      return work(new ScreenImportSession(manager, existing));
    });
  }
}
