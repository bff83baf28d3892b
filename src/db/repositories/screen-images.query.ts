import path from 'node:path';
import type { DataSource } from 'typeorm';
import type { ChannelScreen } from '../../data/channels/channel-image.reader';
import type { ChannelNormalisation } from '../../data/channels/channel-normalisation';
import type { ScreenChannel } from '../../data/channels/screen-channel';

/** An image with what training, embedding, profiling and filtering need to know about it. */
export interface ScreenImage {
  id: number;
  /** absolute */
  path: string;
  /** absolute, one file per channel in the screen's order; null: `path` holds every channel */
  channelPaths: string[] | null;
  /** the screen's channels and normalisation, one object shared by all its images: readChannelImage's `screen` */
  screen: ChannelScreen;
  cellLineId: number;
  compoundId: number;
  concentration: number;
  plate: string;
  well: string;
  isControl: boolean;
  /** the compound's name, e.g. DMSO: normalisation is against the plate's DMSO wells */
  compound: string;
}

/** Images read per query when a job streams through a screen (about 1 MB of rows). */
const IMAGE_PAGE_ROWS = 4096;

/** A screen's images in id order, paths made absolute: the one query training and embedding read them with. */
export async function screenImages(dataSource: DataSource, screenId: string): Promise<ScreenImage[]> {
  const all: ScreenImage[] = [];
  for await (const page of screenImagePages(dataSource, screenId)) all.push(...page);
  return all;
}

/** A screen's root and its channels with their normalisation (shared by all its images); null: no such screen. */
export async function screenChannelsOf(dataSource: DataSource, screenId: string): Promise<{ root: string; screen: ChannelScreen } | null> {
  const [row]: Array<{ root: string; channels: ScreenChannel[]; channel_normalisation: ChannelNormalisation | null }> = await dataSource.query(
    'SELECT root, channels, channel_normalisation FROM screens WHERE id = $1',
    [screenId],
  );
  return row ? { root: row.root, screen: { channels: row.channels, normalisation: row.channel_normalisation } } : null;
}

/**
 * The same images a page at a time (keyset on id), for the jobs that pass over a screen once:
 * they hold a page, not the screen (770k image rows are about 1 GB of objects).
 */
export async function* screenImagePages(dataSource: DataSource, screenId: string, pageRows = IMAGE_PAGE_ROWS): AsyncGenerator<ScreenImage[]> {
  const screenRow = await screenChannelsOf(dataSource, screenId);
  if (!screenRow) return;
  const { screen } = screenRow;
  for (let after = 0; ; ) {
    const rows: Array<{ id: number; path: string; channel_paths: string[] | null; cell_line_id: number; compound_id: number; concentration: number; plate: string; well: string; is_control: boolean; compound: string }> =
      await dataSource.query(
        `SELECT i.id, i.path, i.channel_paths, i.cell_line_id, i.compound_id, i.concentration, i.plate, i.well, c.is_control, c.name AS compound
           FROM images i JOIN compounds c ON c.id = i.compound_id
          WHERE i.screen_id = $1 AND i.id > $2 ORDER BY i.id LIMIT $3`,
        [screenId, after, pageRows],
      );
    if (rows.length === 0) return;
    after = rows[rows.length - 1].id;
    yield rows.map((row) => ({
      id: row.id,
      path: path.resolve(screenRow.root, row.path),
      channelPaths: row.channel_paths?.map((file) => path.resolve(screenRow.root, file)) ?? null,
      screen,
      cellLineId: row.cell_line_id,
      compoundId: row.compound_id,
      concentration: row.concentration,
      plate: row.plate,
      well: row.well,
      isControl: row.is_control,
      compound: row.compound,
    }));
    if (rows.length < pageRows) return;
  }
}
