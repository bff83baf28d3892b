import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { SETUP_BASELINES, type SetupBaseline } from '../../db/entities/setup.entity';
import { ConnectionType } from './connection.type';
import { nameEnum } from './name-enum';

export const BaselineEnum = nameEnum(SETUP_BASELINES, 'Baseline', 'untrained: the encoder at its seeded initialisation; classical: hand-crafted image features');

@ObjectType({ description: 'One channel of a screen: its name in the files and the structure it shows' })
export class ScreenChannel {
  @Field(() => String, { description: 'e.g. DAPI, or a FileName_<channel> suffix' })
  name: string;

  @Field(() => String, { description: 'e.g. DNA, tubulin, actin; grey for a single-channel screen' })
  role: string;
}

@ObjectType({ description: 'A set of images of treated cell lines, generated or imported' })
export class Screen {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  name: string;

  @Field(() => String, { description: 'synthetic or import' })
  source: string;

  @Field(() => Int)
  imageCount: number;

  @Field(() => [ScreenChannel], { description: "the channels of every image, in order; a grey screen has one, 'grey'" })
  channels: ScreenChannel[];

  @Field(() => GraphQLJSONObject, { description: 'generator preset and seed, or import manifest' })
  origin: Record<string, unknown>;

  @Field(() => Date)
  createdAt: Date;
}

@ObjectType()
export class CellLine {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  name: string;

  @Field(() => String, { nullable: true })
  tissue: string | null;
}

@ObjectType()
export class Compound {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  name: string;

  @Field(() => String, { nullable: true, description: 'mechanism of action' })
  moa: string | null;

  @Field(() => String, { nullable: true })
  target: string | null;

  @Field(() => Boolean)
  isControl: boolean;
}

@ObjectType({ description: 'One of the 16 paradigm x strategy combinations of the reference study' })
export class Setup {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  name: string;

  @Field(() => String)
  paradigm: string;

  @Field(() => String, { description: 'one-crop or multi-crop' })
  cropMode: string;

  @Field(() => Boolean)
  augment: boolean;

  @Field(() => BaselineEnum, { nullable: true, description: 'which baseline this is; null for the 16 learned setups' })
  baseline: SetupBaseline | null;
}

export const ScreenConnection = ConnectionType(Screen);
export const CellLineConnection = ConnectionType(CellLine);
export const CompoundConnection = ConnectionType(Compound);
export const SetupConnection = ConnectionType(Setup);
