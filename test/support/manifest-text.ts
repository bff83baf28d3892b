import type { RawImportRow } from '../../src/data/import/import-row';
import type { ManifestColumns } from '../../src/data/import/manifest.reader';
import { streamManifest } from '../../src/data/import/manifest.stream';

/** A manifest's text through the streaming reader, cut into pieces of `pieceSize` characters (default: one piece). */
export async function readManifestText(text: string, options: { channels?: readonly string[] } = {}, pieceSize = text.length): Promise<{ columns: ManifestColumns; rows: RawImportRow[] }> {
  async function* pieces(): AsyncGenerator<string> {
    for (let start = 0; start < text.length; start += Math.max(1, pieceSize)) yield text.slice(start, start + Math.max(1, pieceSize));
  }
  const { columns, rows } = await streamManifest(pieces(), options);
  const read: RawImportRow[] = [];
  for await (const row of rows) read.push(row);
  return { columns, rows: read };
}
