import type { DataSource, EntityManager } from 'typeorm';
import type { ChannelNormalisation } from '../../data/channels/channel-normalisation';
import type { ScreenChannel } from '../../data/channels/screen-channel';
import type { ImageFields } from '../../data/manifest.codec';
import { ScreenEntity, type ScreenSource } from '../entities/screen.entity';

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

export interface NewScreen {
  name: string;
  source: ScreenSource;
  root: string;
  origin: Record<string, unknown>;
  split: Record<string, unknown> | null;
  cellLines: Array<{ name: string; tissue: string | null }>;
  compounds: CompoundAnnotation[];
  images: NewImage[];
  channels: ScreenChannel[];
  channelNormalisation: ChannelNormalisation | null;
}

export type SaveScreenResult =
  | { created: true; screen: ScreenEntity; annotationConflicts: Array<{ existing: CompoundAnnotation; given: CompoundAnnotation }> }
  | { created: false; existing: ScreenEntity };

/** Rows per INSERT: 10 arrays of this length stay far from any parameter or packet limit. */
const IMAGE_BATCH = 5000;

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
   * One transaction: under a lock on the screen's name, either finds the screen already there
   * (and writes nothing) or writes the screen, its cell lines and compounds (filling in missing
   * annotations of known ones, never overwriting them) and all its images.
   */
  save(screen: NewScreen): Promise<SaveScreenResult> {
    return this.dataSource.transaction(async (manager) => {
      // two imports of one name queue here instead of racing to the unique constraint
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('morphospace/screen'), hashtext($1))`, [screen.name]);
      const existing = await manager.getRepository(ScreenEntity).findOneBy({ name: screen.name });
      if (existing) return { created: false, existing };

      const cellLineIds = await this.upsertCellLines(manager, screen.cellLines);
      const { ids: compoundIds, conflicts } = await this.upsertCompounds(manager, screen.compounds);
      const saved = await manager.getRepository(ScreenEntity).save(
        manager.getRepository(ScreenEntity).create({
          name: screen.name,
          source: screen.source,
          root: screen.root,
          origin: screen.origin,
          split: screen.split,
          imageCount: screen.images.length,
          channels: screen.channels,
          channelNormalisation: screen.channelNormalisation,
        }),
      );
      for (let start = 0; start < screen.images.length; start += IMAGE_BATCH) {
        const batch = screen.images.slice(start, start + IMAGE_BATCH);
        await manager.query(
          // unnest flattens a text[][], so each image's channel paths travel as one JSON array text
          `INSERT INTO images (screen_id, path, cell_line_id, compound_id, concentration, plate, well, site, content_hash, channel_paths)
           SELECT $1, p, l, c, x, pl, w, si, h, CASE WHEN cp IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(cp::jsonb)) END
             FROM unnest($2::text[], $3::int[], $4::int[], $5::float8[], $6::text[], $7::text[], $8::int[], $9::text[], $10::text[]) AS t(p, l, c, x, pl, w, si, h, cp)`,
          [
            saved.id,
            batch.map((image) => image.path),
            batch.map((image) => idOf(cellLineIds, image.cellLine)),
            batch.map((image) => idOf(compoundIds, image.compound)),
            batch.map((image) => image.concentration),
            batch.map((image) => image.plate),
            batch.map((image) => image.well),
            batch.map((image) => image.site),
            batch.map((image) => image.contentHash),
            batch.map((image) => (image.channelPaths ? JSON.stringify(image.channelPaths) : null)),
          ],
        );
      }
      return { created: true, screen: saved, annotationConflicts: conflicts };
    });
  }

  private async upsertCellLines(manager: EntityManager, cellLines: NewScreen['cellLines']): Promise<Map<string, number>> {
    await manager.query(
      `INSERT INTO cell_lines (name, tissue) SELECT * FROM unnest($1::text[], $2::text[])
       ON CONFLICT (name) DO UPDATE SET tissue = COALESCE(cell_lines.tissue, EXCLUDED.tissue)`,
      [cellLines.map((line) => line.name), cellLines.map((line) => line.tissue)],
    );
    const rows: Array<{ id: number; name: string }> = await manager.query(`SELECT id, name FROM cell_lines WHERE name = ANY($1::text[])`, [cellLines.map((line) => line.name)]);
    return new Map(rows.map((row) => [row.name, row.id]));
  }

  private async upsertCompounds(manager: EntityManager, compounds: CompoundAnnotation[]): Promise<{ ids: Map<string, number>; conflicts: Array<{ existing: CompoundAnnotation; given: CompoundAnnotation }> }> {
    const names = compounds.map((compound) => compound.name);
    const before: Array<{ name: string; moa: string | null; target: string | null; is_control: boolean }> = await manager.query(
      `SELECT name, moa, target, is_control FROM compounds WHERE name = ANY($1::text[]) FOR UPDATE`,
      [names],
    );
    const given = new Map(compounds.map((compound) => [compound.name, compound]));
    const conflicts = before
      .map((row) => ({ existing: { name: row.name, moa: row.moa, target: row.target, isControl: row.is_control }, given: given.get(row.name)! }))
      .filter(({ existing, given: wanted }) => (existing.moa !== null && wanted.moa !== null && existing.moa !== wanted.moa) || existing.isControl !== wanted.isControl);
    const rows: Array<{ id: number; name: string }> = await manager.query(
      `INSERT INTO compounds (name, moa, target, is_control) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bool[])
       ON CONFLICT (name) DO UPDATE SET moa = COALESCE(compounds.moa, EXCLUDED.moa), target = COALESCE(compounds.target, EXCLUDED.target)
       RETURNING id, name`,
      [names, compounds.map((c) => c.moa), compounds.map((c) => c.target), compounds.map((c) => c.isControl)],
    );
    return { ids: new Map(rows.map((row) => [row.name, row.id])), conflicts };
  }
}

function idOf(ids: Map<string, number>, name: string): number {
  const id = ids.get(name);
  if (id === undefined) throw new Error(`no id for "${name}" after upsert`);
  return id;
}
