import type { DataSource } from 'typeorm';
import type { ChannelScreen } from '../../data/channels/channel-image.reader';
import type { ChannelNormalisation } from '../../data/channels/channel-normalisation';
import type { ScreenChannel } from '../../data/channels/screen-channel';

/** Where one image's files are, as stored: paths relative to the screen's root. */
export interface ImageFile {
  root: string;
  path: string;
  channelPaths: string[] | null;
  plate: string;
  screen: ChannelScreen;
}

export class ImageFileRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(imageId: number): Promise<ImageFile | null> {
    const rows: Array<{ root: string; path: string; channel_paths: string[] | null; plate: string; channels: ScreenChannel[]; channel_normalisation: ChannelNormalisation | null }> =
      await this.dataSource.query(
        `SELECT s.root, i.path, i.channel_paths, i.plate, s.channels, s.channel_normalisation FROM images i JOIN screens s ON s.id = i.screen_id WHERE i.id = $1`,
        [imageId],
      );
    const [row] = rows;
    if (!row) return null;
    return { root: row.root, path: row.path, channelPaths: row.channel_paths, plate: row.plate, screen: { channels: row.channels, normalisation: row.channel_normalisation } };
  }
}
