import type { PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { DataSource } from 'typeorm';
import { copyTuples, type CopyTuple } from '../copy-binary.format';

/**
 * The rows of `COPY (<query>) TO STDOUT (FORMAT binary)` on a connection of its own, mapped and
 * handed out `pageRows` at a time: a bytea comes as its stored bytes, where a query's result
 * came as hex text that PostgreSQL wrote and this process parsed back. COPY takes no bind
 * parameters: `sql` carries its literals quoted (pg's `escapeLiteral`).
 *
 * The tuples are iterated by hand: a for-await would destroy the COPY stream when the reader
 * stops early, and a COPY TO cut off mid-way leaves its connection waiting on data nobody reads.
 * A reader that stops early has the rest read and dropped before the connection goes back.
 */
export async function* copyPages<T>(dataSource: DataSource, sql: string, pageRows: number, map: (tuple: CopyTuple) => T): AsyncGenerator<T[]> {
  const runner = dataSource.createQueryRunner();
  const client = (await runner.connect()) as PoolClient;
  let tuples: AsyncIterator<CopyTuple[]> | undefined;
  try {
    tuples = copyTuples(client.query(copyTo(`COPY (${sql}) TO STDOUT (FORMAT binary)`)))[Symbol.asyncIterator]();
    let page: T[] = [];
    for (let batch = await tuples.next(); !batch.done; batch = await tuples.next()) {
      for (const tuple of batch.value) {
        page.push(map(tuple));
        if (page.length === pageRows) {
          yield page;
          page = [];
        }
      }
    }
    if (page.length > 0) yield page;
  } finally {
    if (tuples) {
      let rest = await tuples.next();
      while (!rest.done) rest = await tuples.next();
    }
    await runner.release();
  }
}
