import { describe, expect, it } from 'vitest';
import { cursorPages, type CursorConnection } from '../../src/db/repositories/cursor-pages.query';

/** A connection whose cursor yields `rows` (numbers), failing the FETCH numbered `failOnFetch` if given; it records every statement. */
function fakeConnection(rows: number[], failOnFetch?: number): CursorConnection & { statements: string[] } {
  let position = 0;
  let fetches = 0;
  const statements: string[] = [];
  return {
    statements,
    async query(sql: string) {
      statements.push(sql.split(' ').slice(0, 2).join(' '));
      if (!sql.startsWith('FETCH')) return [];
      fetches += 1;
      if (fetches === failOnFetch) throw new Error('fetch failed');
      const count = Number(sql.split(' ')[1]);
      const page = rows.slice(position, position + count);
      position += page.length;
      return page;
    },
  };
}

async function pagesOf(connection: CursorConnection, pageRows: number): Promise<number[][]> {
  const pages: number[][] = [];
  for await (const page of cursorPages<number>(connection, 'c', 'SELECT 1', [], pageRows)) pages.push(page);
  return pages;
}

describe('cursorPages', () => {
  it('yields full pages, stops at the first short one, and closes the cursor', async () => {
    const connection = fakeConnection([1, 2, 3, 4, 5]);
    expect(await pagesOf(connection, 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(connection.statements).toEqual(['DECLARE c', 'FETCH 2', 'FETCH 2', 'FETCH 2', 'CLOSE c']);
  });

  it('closes the cursor when the reader stops early', async () => {
    const connection = fakeConnection([1, 2, 3, 4, 5]);
    for await (const page of cursorPages<number>(connection, 'c', 'SELECT 1', [], 2)) if (page[0] === 1) break;
    expect(connection.statements).toEqual(['DECLARE c', 'FETCH 2', 'CLOSE c']);
  });

  it("passes a failed FETCH's own error on, with no CLOSE in the aborted transaction", async () => {
    const connection = fakeConnection([1, 2, 3, 4, 5], 2);
    await expect(pagesOf(connection, 2)).rejects.toThrow('fetch failed');
    expect(connection.statements).toEqual(['DECLARE c', 'FETCH 2', 'FETCH 2']);
  });
});
