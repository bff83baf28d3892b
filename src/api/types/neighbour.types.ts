import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { CellLine, Compound } from './catalog.types';

export enum DistanceMetricValue {
  COSINE = 'cosine',
  EUCLIDEAN = 'euclidean',
}
registerEnumType(DistanceMetricValue, { name: 'DistanceMetric', description: 'cosine distance (1 - cosine similarity) or euclidean distance' });

export enum ProfileNormalizationValue {
  NONE = 'none',
  STANDARDIZE = 'standardize',
  MAD_ROBUSTIZE = 'mad-robustize',
}
registerEnumType(ProfileNormalizationValue, { name: 'ProfileNormalization', description: "against the same plate's DMSO wells, or none" });

@InputType({ description: 'restricts nearestImages to images matching every field given' })
export class ImageFilterInput {
  @Field(() => ID, { nullable: true, description: 'cell line id or name' })
  cellLine?: string | null;

  @Field(() => ID, { nullable: true, description: 'compound id or name' })
  compound?: string | null;

  @Field(() => String, { nullable: true, description: "plate name; one the run's screen does not have is NOT_FOUND" })
  plate?: string | null;
}

@ObjectType({ description: 'An image of a screen' })
export class ImageInfoType {
  @Field(() => ID)
  id: string;

  @Field(() => String, { description: "relative to the screen's root" })
  path: string;

  @Field(() => String)
  plate: string;

  @Field(() => String)
  well: string;

  @Field(() => Int)
  site: number;

  @Field(() => Float, { description: 'micromolar' })
  concentration: number;

  @Field(() => CellLine)
  cellLine: CellLine;

  @Field(() => Compound)
  compound: Compound;
}

@ObjectType({ description: 'An image near the query, nearest first' })
export class ImageNeighbourType {
  @Field(() => ID)
  imageId: string;

  @Field(() => Float)
  distance: number;

  @Field(() => ImageInfoType, { nullable: true, description: 'loaded only when asked for' })
  image: ImageInfoType | null;
}

@ObjectType({ description: "A compound near the query compound, by treatment profiles in the query's cell line" })
export class CompoundNeighbourType {
  @Field(() => Compound)
  compound: Compound;

  @Field(() => CellLine)
  cellLine: CellLine;

  @Field(() => Float, { description: 'the concentration of the compound whose profile is nearest' })
  concentration: number;

  @Field(() => Float)
  distance: number;

  @Field(() => String, { nullable: true, description: 'mechanism-of-action annotation' })
  moa: string | null;

  @Field(() => Boolean, { description: "the mechanism of action is the query compound's" })
  sharesMoa: boolean;
}

@ObjectType({ description: "One image's representation under one run" })
export class EmbeddingType {
  @Field(() => ID)
  runId: string;

  @Field(() => ID)
  imageId: string;

  @Field(() => Int)
  dimensions: number;

  @Field(() => [Float])
  vector: number[];
}

@ObjectType({ description: 'Median of image embeddings of a compound x cell line x concentration' })
export class ProfileType {
  @Field(() => ID)
  runId: string;

  @Field(() => Compound)
  compound: Compound;

  @Field(() => CellLine)
  cellLine: CellLine;

  @Field(() => Float)
  concentration: number;

  @Field(() => ProfileNormalizationValue)
  normalization: ProfileNormalizationValue;

  @Field(() => Int)
  imageCount: number;

  @Field(() => Int)
  dimensions: number;

  @Field(() => [Float])
  vector: number[];
}
