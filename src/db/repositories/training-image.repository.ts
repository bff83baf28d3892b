import path from 'node:path';
import type { DataSource } from 'typeorm';
import type { ChannelScreen } from '../../data/channels/channel-image.reader';
import { screenChannelsOf } from './screen-images.query';

/** An image as training sees it: where it is and whether it was treated with a drug. */
export interface TrainingImage {
  id: number;
  /** absolute */
  path: string;
  plate: string;
  /** 1 = drug, 0 = control */
  label: number;
  /** absolute, one file per channel; null: `path` holds every channel */
  channelPaths: string[] | null;
}

/**
 * Images as two parallel columns, in id order: 5 bytes an image. A row object with its paths
 * takes about 1.3 KB, so a 770k-image screen held as rows is about 1 GB.
 */
export interface ImageColumns {
  ids: Int32Array;
  /** 1 = drug, 0 = control */
  labels: Uint8Array;
}

/** Rows per query when reading id columns: two small values a row. */
const COLUMN_PAGE_ROWS = 65_536;

/**
 * What a training job reads of a screen: its plates, the ids and labels of a split's images,
 * and the rows of the images a batch draws. No call reads the screen's rows whole.
 */
export class TrainingImageRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The screen's channels and normalisation (shared by all its images); null: no such screen. */
  async screenOf(screenId: string): Promise<ChannelScreen | null> {
    return (await screenChannelsOf(this.dataSource, screenId))?.screen ?? null;
  }

  /** The screen's distinct plates. */
  async platesOf(screenId: string): Promise<string[]> {
    const rows: Array<{ plate: string }> = await this.dataSource.query('SELECT DISTINCT plate FROM images WHERE screen_id = $1', [screenId]);
    return rows.map((row) => row.plate);
  }

  /** The ids and labels of the screen's images on these plates, in id order, read a page at a time (keyset on id). */
  async columnsOn(screenId: string, plates: readonly string[]): Promise<ImageColumns> {
    const ids: Int32Array[] = [];
    const labels: Uint8Array[] = [];
    for (let after = 0; ; ) {
      const rows: Array<{ id: number; is_control: boolean }> = await this.dataSource.query(
        `SELECT i.id, c.is_control FROM images i JOIN compounds c ON c.id = i.compound_id
          WHERE i.screen_id = $1 AND i.plate = ANY($2) AND i.id > $3 ORDER BY i.id LIMIT $4`,
        [screenId, plates, after, COLUMN_PAGE_ROWS],
      );
      ids.push(Int32Array.from(rows, (row) => row.id));
      labels.push(Uint8Array.from(rows, (row) => (row.is_control ? 0 : 1)));
      if (rows.length < COLUMN_PAGE_ROWS) break;
      after = rows[rows.length - 1].id;
    }
    return { ids: concatenate(ids, Int32Array), labels: concatenate(labels, Uint8Array) };
  }

  /** The rows of these images of the screen in the order given (an id given twice comes twice), paths made absolute. */
  async imagesByIds(screenId: string, ids: ArrayLike<number>): Promise<TrainingImage[]> {
    const rows: Array<{ id: number; path: string; channel_paths: string[] | null; plate: string; is_control: boolean; root: string }> = await this.dataSource.query(
      `SELECT i.id, i.path, i.channel_paths, i.plate, c.is_control, s.root
         FROM images i JOIN compounds c ON c.id = i.compound_id JOIN screens s ON s.id = i.screen_id
        WHERE i.screen_id = $1 AND i.id = ANY($2::int[])`,
      [screenId, [...new Set(Array.from(ids))]],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    return Array.from(ids, (id) => {
      const row = byId.get(id);
      if (!row) throw new Error(`image ${id} is no longer in screen ${screenId}`);
      return {
        id: row.id,
        path: path.resolve(row.root, row.path),
        plate: row.plate,
        label: row.is_control ? 0 : 1,
        channelPaths: row.channel_paths?.map((file) => path.resolve(row.root, file)) ?? null,
      };
    });
  }
}

function concatenate<A extends Int32Array | Uint8Array>(parts: readonly A[], Kind: { new (length: number): A }): A {
  const out = new Kind(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
