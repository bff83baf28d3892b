import { registerEnumType } from 'type-graphql';

/** A GraphQL enum (VALUE = 'value') made from a list of names the code already keeps, so the two cannot drift apart. */
export function nameEnum<Name extends string>(names: readonly Name[], name: string, description?: string): Record<string, Name> {
  const values: Record<string, Name> = Object.fromEntries(names.map((value) => [value.toUpperCase(), value]));
  registerEnumType(values, { name, description });
  return values;
}
