import type { EntityManager } from 'typeorm';
import type { ChannelNormalisation } from '../../data/channels/channel-normalisation';
import type { ScreenChannel } from '../../data/channels/screen-channel';
import { ScreenEntity, type ScreenSource } from '../entities/screen.entity';
import { cursorPages } from './cursor-pages.query';
import type { CompoundAnnotation, NewImage } from './screen.repository';

/** The screen row and its names; its images are the ones staged. */
export interface NewScreen {
  name: string;
  source: ScreenSource;
  root: string;
  origin: Record<string, unknown>;
  split: Record<string, unknown> | null;
  cellLines: Array<{ name: string; tissue: string | null }>;
  compounds: CompoundAnnotation[];
  channels: ScreenChannel[];
  channelNormalisation: ChannelNormalisation | null;
}

export interface CreatedScreen {
  screen: ScreenEntity;
  annotationConflicts: Array<{ existing: CompoundAnnotation; given: CompoundAnnotation }>;
}

/** The transaction's scratch table: dropped at its end, committed or not, so a failed import leaves nothing. */
export const STAGING_TABLE = 'import_staging';

/**
 * One import inside its transaction: images are staged as they are checked, read back in path
 * order, and turned into the screen's images at the end. Nothing is visible to others before
 * the transaction commits.
 */
export class ScreenImportSession {
  constructor(
    private readonly manager: EntityManager,
    /** the screen already stored under this name, found under the name's lock */
    readonly existing: ScreenEntity | null,
  ) {}

  async stage(images: readonly NewImage[]): Promise<void> {
    await this.manager.query(
      // unnest flattens a text[][], so each image's channel paths travel as one JSON array text
      `INSERT INTO ${STAGING_TABLE} (path, cell_line, compound, concentration, plate, well, site, content_hash, channel_paths)
       SELECT p, l, c, x, pl, w, si, h, CASE WHEN cp IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(cp::jsonb)) END
         FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::text[], $6::text[], $7::int[], $8::text[], $9::text[]) AS t(p, l, c, x, pl, w, si, h, cp)`,
      [
        images.map((image) => image.path),
        images.map((image) => image.cellLine),
        images.map((image) => image.compound),
        images.map((image) => image.concentration),
        images.map((image) => image.plate),
        images.map((image) => image.well),
        images.map((image) => image.site),
        images.map((image) => image.contentHash),
        images.map((image) => (image.channelPaths ? JSON.stringify(image.channelPaths) : null)),
      ],
    );
  }

  /**
   * The staged images in path order (byte order, as JavaScript's < orders ASCII paths), a page at
   * a time through a cursor, so the reader holds one page.
   */
  async inPathOrder(pageSize: number, visit: (images: NewImage[]) => void): Promise<void> {
    const pages = cursorPages<{ path: string; cell_line: string; compound: string; concentration: number; plate: string; well: string; site: number; content_hash: string }>(
      this.manager,
      'staged_in_path_order',
      `SELECT path, cell_line, compound, concentration, plate, well, site, content_hash FROM ${STAGING_TABLE} ORDER BY path COLLATE "C"`,
      [],
      Math.max(1, Math.floor(pageSize)),
    );
    for await (const rows of pages) {
      visit(
        rows.map((row) => ({ path: row.path, cellLine: row.cell_line, compound: row.compound, concentration: Number(row.concentration), plate: row.plate, well: row.well, site: row.site, contentHash: row.content_hash })),
      );
    }
  }

  /** One plate's staged images: what the channel normalisation samples from. */
  async imagesOfPlate(plate: string): Promise<Array<{ path: string; channelPaths: string[] | null; plate: string }>> {
    const rows: Array<{ path: string; channel_paths: string[] | null }> = await this.manager.query(`SELECT path, channel_paths FROM ${STAGING_TABLE} WHERE plate = $1`, [plate]);
    return rows.map((row) => ({ path: row.path, channelPaths: row.channel_paths, plate }));
  }

  /**
   * Writes the screen, its cell lines and compounds (filling in missing annotations of known ones,
   * never overwriting them) and every staged image, in path order as imports always stored them.
   */
  async create(screen: NewScreen, imageCount: number): Promise<CreatedScreen> {
    const manager = this.manager;
    await upsertCellLines(manager, screen.cellLines);
    const conflicts = await upsertCompounds(manager, screen.compounds);
    const saved = await manager.getRepository(ScreenEntity).save(
      manager.getRepository(ScreenEntity).create({
        name: screen.name,
        source: screen.source,
        root: screen.root,
        origin: screen.origin,
        split: screen.split,
        imageCount,
        channels: screen.channels,
        channelNormalisation: screen.channelNormalisation,
      }),
    );
    await manager.query(
      `INSERT INTO images (screen_id, path, cell_line_id, compound_id, concentration, plate, well, site, content_hash, channel_paths)
       SELECT $1, s.path, l.id, c.id, s.concentration, s.plate, s.well, s.site, s.content_hash, s.channel_paths
         FROM ${STAGING_TABLE} s JOIN cell_lines l ON l.name = s.cell_line JOIN compounds c ON c.name = s.compound
        ORDER BY s.path COLLATE "C"`,
      [saved.id],
    );
    // an inner join that lost a row would be a bug in the names given, never a smaller screen
    const [{ count }]: Array<{ count: number }> = await manager.query('SELECT count(*)::int AS count FROM images WHERE screen_id = $1', [saved.id]);
    if (count !== imageCount) throw new Error(`staged ${imageCount} images but wrote ${count}: a cell line or compound name was not given`);
    return { screen: saved, annotationConflicts: conflicts };
  }
}

async function upsertCellLines(manager: EntityManager, cellLines: NewScreen['cellLines']): Promise<void> {
  await manager.query(
    `INSERT INTO cell_lines (name, tissue) SELECT * FROM unnest($1::text[], $2::text[])
     ON CONFLICT (name) DO UPDATE SET tissue = COALESCE(cell_lines.tissue, EXCLUDED.tissue)`,
    [cellLines.map((line) => line.name), cellLines.map((line) => line.tissue)],
  );
}

async function upsertCompounds(manager: EntityManager, compounds: CompoundAnnotation[]): Promise<CreatedScreen['annotationConflicts']> {
  const names = compounds.map((compound) => compound.name);
  const before: Array<{ name: string; moa: string | null; target: string | null; is_control: boolean }> = await manager.query(
    `SELECT name, moa, target, is_control FROM compounds WHERE name = ANY($1::text[]) FOR UPDATE`,
    [names],
  );
  const given = new Map(compounds.map((compound) => [compound.name, compound]));
  await manager.query(
    `INSERT INTO compounds (name, moa, target, is_control) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bool[])
     ON CONFLICT (name) DO UPDATE SET moa = COALESCE(compounds.moa, EXCLUDED.moa), target = COALESCE(compounds.target, EXCLUDED.target)`,
    [names, compounds.map((c) => c.moa), compounds.map((c) => c.target), compounds.map((c) => c.isControl)],
  );
  return before
    .map((row) => ({ existing: { name: row.name, moa: row.moa, target: row.target, isControl: row.is_control }, given: given.get(row.name)! }))
    .filter(({ existing, given: wanted }) => (existing.moa !== null && wanted.moa !== null && existing.moa !== wanted.moa) || existing.isControl !== wanted.isControl);
}
