import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Screen } from './catalog.types';
import { ConnectionType } from './connection.type';
import { Run } from './run.types';

@ObjectType({ description: 'One run per setup and replicate on one screen, plus the baselines, with shared training settings' })
export class Sweep {
  @Field(() => ID)
  id: string;

  @Field(() => Screen)
  screen: Screen;

  @Field(() => String, { description: 'quick, standard or paper' })
  profile: string;

  @Field(() => GraphQLJSONObject, { description: 'epochs, patience, minDelta, batchSize, learningRate, imagesPerEpoch, cropsPerEpoch, validationFraction, validationImages, seed, embedTileSize' })
  config: Record<string, unknown>;

  @Field(() => Int, { description: 'seeds each learned setup (and baseline/untrained) is run with: seed, seed + 1, ...' })
  replicates: number;

  @Field(() => Date)
  createdAt: Date;
}

export const SweepConnection = ConnectionType(Sweep);

@ObjectType()
export class SweepStatusCount {
  @Field(() => String)
  status: string;

  @Field(() => Int)
  count: number;
}

@ObjectType()
export class CreatedSweep {
  @Field(() => Sweep)
  sweep: Sweep;

  @Field(() => [Run])
  runs: Run[];
}

@InputType({ description: 'Overrides of the profile; any field left out keeps the profile value' })
export class TrainingOverrides {
  @Field(() => Int, { nullable: true, description: 'the most epochs a run trains' })
  epochs?: number;

  @Field(() => Int, { nullable: true, description: 'early stopping: epochs without a better validation loss before a run stops, 0 = never early' })
  patience?: number;

  @Field(() => Float, { nullable: true, description: 'the least drop in validation loss that counts as better' })
  minDelta?: number;

  @Field(() => Int, { nullable: true })
  batchSize?: number;

  @Field(() => Float, { nullable: true })
  learningRate?: number;

  @Field(() => Int, { nullable: true, description: 'images per epoch, 0 = the whole training split' })
  imagesPerEpoch?: number;

  @Field(() => Int, { nullable: true, description: 'crops trained on per epoch (a multi-crop image is 5, a BYOL image 2), 0 = no limit' })
  cropsPerEpoch?: number;

  @Field(() => Float, { nullable: true })
  validationFraction?: number;

  @Field(() => Int, { nullable: true, description: 'held-out images the validation loss is measured on after each epoch' })
  validationImages?: number;

  @Field(() => Int, { nullable: true })
  seed?: number;

  @Field(() => Int, { nullable: true, description: 'side in pixels of the tiles an image is embedded in, 0 = the whole image as one view' })
  embedTileSize?: number;
}

@ObjectType({ description: 'One finished epoch and what it cost' })
export class RunEpoch {
  @Field(() => Int)
  epoch: number;

  @Field(() => Float)
  trainLoss: number;

  @Field(() => Float, { nullable: true })
  validationLoss: number | null;

  @Field(() => Float)
  wallSeconds: number;

  @Field(() => Float)
  cpuSeconds: number;

  @Field(() => Float, { description: 'bytes' })
  peakRssBytes: number;

  @Field(() => Float, { description: 'bytes held by tensors at the peak' })
  peakTensorBytes: number;

  @Field(() => Float, { nullable: true, description: 'where the backend reports it' })
  gpuMemoryBytes: number | null;

  @Field(() => Int)
  imagesSeen: number;

  @Field(() => Float)
  imagesPerSecond: number;
}

@ObjectType({ description: 'Where a run is; poll it for a progress bar' })
export class RunProgress {
  @Field(() => Int)
  epoch: number;

  @Field(() => Int)
  epochs: number;

  @Field(() => Int)
  batch: number;

  @Field(() => Int)
  batches: number;

  @Field(() => Float, { description: '0 to 1 over the whole run' })
  fraction: number;

  @Field(() => Date)
  updatedAt: Date;
}
