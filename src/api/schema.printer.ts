import { lexicographicSortSchema, printSchema } from 'graphql';
import { buildApiSchema } from './schema';

/** The SDL, sorted so that it changes only when the API does. */
export async function printApiSchema(): Promise<string> {
  const schema = await buildApiSchema({ requireReaderForQueries: false });
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
