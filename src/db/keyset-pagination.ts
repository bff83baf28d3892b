import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { BadUserInputError } from '../errors/app-errors';

export interface PageRequest {
  first: number;
  after?: string | null;
}

export interface Page<T> {
  items: T[];
  /** cursor of each item, in order */
  cursors: string[];
  hasNextPage: boolean;
  totalCount: number;
}

/** A sort key column: its SQL expression and how to read it from an entity. */
export interface SortKey<T> {
  column: string;
  value: (item: T) => string | number | Date;
}

/**
 * Keyset pagination over a unique, ordered key: a cursor names the last row seen, so pages
 * stay correct while rows are inserted (offsets would skip or repeat rows).
 */
export async function paginate<T extends ObjectLiteral>(query: SelectQueryBuilder<T>, keys: Array<SortKey<T>>, page: PageRequest): Promise<Page<T>> {
  const totalCount = await query.clone().getCount();
  const paged = query.clone();
  for (const key of keys) paged.addOrderBy(key.column, 'ASC');
  if (page.after) {
    const values = decodeCursor(page.after, keys.length);
    const columns = keys.map((key) => key.column).join(', ');
    const parameters = Object.fromEntries(values.map((value, index) => [`cursor${index}`, value]));
    paged.andWhere(`(${columns}) > (${values.map((_, index) => `:cursor${index}`).join(', ')})`, parameters);
  }
  // limit, not take: joins here are many-to-one, and take would rewrite the ordering expressions
  const rows = await paged.limit(page.first + 1).getMany();
  const items = rows.slice(0, page.first);
  return {
    items,
    cursors: items.map((item) => encodeCursor(keys.map((key) => serialise(key.value(item))))),
    hasNextPage: rows.length > page.first,
    totalCount,
  };
}

function serialise(value: string | number | Date): string | number {
  return value instanceof Date ? value.toISOString() : value;
}

function encodeCursor(values: Array<string | number>): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

function decodeCursor(cursor: string, length: number): Array<string | number> {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === length && values.every((v) => typeof v === 'string' || typeof v === 'number')) {
      return values as Array<string | number>;
    }
  } catch {
    // falls through to the error below
  }
  throw new BadUserInputError(`"after" is not a cursor this list gave out: ${cursor}`, 'after');
}

/** A timestamp key at the precision a JavaScript Date (and so a cursor) keeps. */
export function millisecondPrecision(column: string): string {
  return `date_trunc('milliseconds', ${column})`;
}
