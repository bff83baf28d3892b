import { DelimitedParser, type DelimitedRecord } from './delimited.parser';
import type { RawImportRow } from './import-row';
import { manifestLayout, type ManifestColumns } from './manifest.reader';

export interface ManifestStream {
  columns: ManifestColumns;
  /** the rows after the header, each read when asked for; once only */
  rows: AsyncIterable<RawImportRow>;
}

/**
 * Reads a manifest (CSV, or tab-separated when the header has tabs and no commas) from pieces of
 * text, e.g. a file read stream: the header at once (a bad one throws ManifestFormatError here),
 * the rows as they are iterated, so only the rows of the piece being parsed are in memory.
 * Quoted fields may hold commas, quotes and line breaks; a record's line is the line it starts
 * on; blank lines are skipped; a leading byte order mark is dropped.
 */
export async function streamManifest(pieces: AsyncIterable<string>, options: { channels?: readonly string[] } = {}): Promise<ManifestStream> {
  const source = pieces[Symbol.asyncIterator]();
  const parser = new DelimitedParser();
  let ready: DelimitedRecord[] = [];
  let first = true;
  let ended = false;
  const pull = async (): Promise<void> => {
    const next = await source.next();
    if (next.done) {
      ready.push(...parser.end());
      ended = true;
      return;
    }
    const text = first ? (next.value as string).replace(/^\uFEFF/, '') : (next.value as string);
    first = false;
    ready.push(...parser.push(text));
  };
  while (ready.length === 0 && !ended) await pull();
  const layout = manifestLayout(ready.shift(), options);
  async function* rows(): AsyncGenerator<RawImportRow> {
    for (;;) {
      const records = ready;
      ready = [];
      for (const record of records) yield layout.row(record);
      if (ended) return;
      await pull();
    }
  }
  return { columns: layout.columns, rows: rows() };
}
