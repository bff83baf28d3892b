import type { PageRequest } from '../db/keyset-pagination';
import { BadUserInputError } from '../errors/app-errors';

/** Checks a requested page against the server's page size limit. */
export function checkedPage(page: { first: number; after?: string | null }, maxPageSize: number): PageRequest {
  if (!Number.isInteger(page.first) || page.first < 1 || page.first > maxPageSize) {
    throw new BadUserInputError(`"first" must be from 1 to ${maxPageSize} (the page size limit), got ${page.first}`, 'first');
  }
  return { first: page.first, after: page.after };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether an id can name a uuid-keyed row at all (anything else is simply not found, not a SQL error). */
export function isUuid(id: string): boolean {
  return UUID.test(id);
}
