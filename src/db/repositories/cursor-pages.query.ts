/** What runs SQL on the connection whose transaction holds the cursor: a query runner or an entity manager. */
export interface CursorConnection {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * The rows of `sql` through a server-side cursor named `name`, `pageRows` at a time, so the
 * reader holds one page whatever the result's size. Must run inside a transaction. The cursor
 * is closed when the reading ends or is abandoned; not after a failed FETCH, which aborts the
 * transaction (a CLOSE would then fail too and hide the FETCH's error).
 */
export async function* cursorPages<Row>(connection: CursorConnection, name: string, sql: string, parameters: unknown[], pageRows: number): AsyncGenerator<Row[]> {
  await connection.query(`DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`, parameters);
  let fetchFailed = false;
  try {
    for (;;) {
      let rows: Row[];
      try {
        rows = (await connection.query(`FETCH ${pageRows} FROM ${name}`)) as Row[];
      } catch (error) {
        fetchFailed = true;
        throw error;
      }
      if (rows.length > 0) yield rows;
      if (rows.length < pageRows) return;
    }
  } finally {
    if (!fetchFailed) await connection.query(`CLOSE ${name}`);
  }
}
