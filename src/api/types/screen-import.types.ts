import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Screen } from './catalog.types';

@ObjectType({ description: 'A manifest row or image file left out of an import' })
export class ImportProblem {
  @Field(() => Int, { description: 'manifest line (the header is line 1), or position in the sorted file listing for a pattern' })
  line: number;

  @Field(() => String, { nullable: true })
  path: string | null;

  @Field(() => String)
  reason: string;
}

@ObjectType()
export class ImportResult {
  @Field(() => Screen)
  screen: Screen;

  @Field(() => Int, { description: 'images written by this call; 0 when unchanged' })
  imported: number;

  @Field(() => [ImportProblem], { description: 'rows left out with skipInvalid' })
  skipped: ImportProblem[];

  @Field(() => Boolean, { description: 'the screen already existed with exactly this content: nothing written' })
  unchanged: boolean;

  @Field(() => [String], { description: 'e.g. a compound already known with another MoA (the known annotation is kept)' })
  warnings: string[];
}

@ObjectType({ description: 'A queued screen.generate job' })
export class GenerateScreenJob {
  @Field(() => ID)
  jobId: string;

  @Field(() => String)
  name: string;

  @Field(() => String)
  preset: string;

  @Field(() => Int)
  seed: number;
}

@InputType('ChannelRoleInput', { description: 'The role of one named channel, e.g. DAPI -> DNA' })
export class ChannelRoleInput {
  @Field(() => String)
  name: string;

  @Field(() => String)
  role: string;
}
