import type { DataSource } from 'typeorm';
import type { ChannelScreen } from '../../data/channels/channel-image.reader';
import { screenImages } from './screen-images.query';

/** An image as training sees it: where it is and whether it was treated with a drug. */
export interface TrainingImage {
  id: number;
  /** absolute */
  path: string;
  plate: string;
  well: string;
  /** 1 = drug, 0 = control */
  label: number;
  /** absolute, one file per channel; null: `path` holds every channel */
  channelPaths: string[] | null;
  /** the screen's channels and normalisation (one object shared by all its images) */
  screen: ChannelScreen;
}

export class TrainingImageRepository {
  constructor(private readonly dataSource: DataSource) {}

  async imagesOf(screenId: string): Promise<TrainingImage[]> {
    return (await screenImages(this.dataSource, screenId)).map((image) => ({
      id: image.id,
      path: image.path,
      plate: image.plate,
      well: image.well,
      label: image.isControl ? 0 : 1,
      channelPaths: image.channelPaths,
      screen: image.screen,
    }));
  }
}
