import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum ExportKindValue {
  EMBEDDINGS = 'embeddings',
  PROFILES = 'profiles',
  EVALUATIONS = 'evaluations',
}
registerEnumType(ExportKindValue, {
  name: 'ExportKind',
  description: "embeddings: a row per image; profiles: a row per treatment or well profile and normalisation; evaluations: a row per stored metric value",
});

export enum ExportFormatValue {
  PARQUET = 'parquet',
  CSV = 'csv',
}
registerEnumType(ExportFormatValue, { name: 'ExportFormat', description: 'Parquet (snappy), or CSV as RFC 4180 has it' });

@ObjectType({ description: 'An export file written into the data directory' })
export class ExportFileType {
  @Field(() => String, { description: 'relative to the data directory, e.g. exports/<run>-profiles.parquet' })
  path: string;

  @Field(() => Float, { description: 'file size in bytes' })
  bytes: number;

  @Field(() => Int)
  rows: number;
}
