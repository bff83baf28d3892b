import type { DataSource } from 'typeorm';
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
}

export class TrainingImageRepository {
  constructor(private readonly dataSource: DataSource) {}

  async imagesOf(screenId: string): Promise<TrainingImage[]> {
    return (await screenImages(this.dataSource, screenId)).map((image) => ({ id: image.id, path: image.path, plate: image.plate, well: image.well, label: image.isControl ? 0 : 1 }));
  }
}
