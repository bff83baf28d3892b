import type { FileHandle } from 'node:fs/promises';
import type { ColumnValues, TableBatch, TableColumn, TableWriter } from './table';

/**
 * CSV as RFC 4180 has it: a header row, CRLF line ends, and a field quoted (its quotes doubled)
 * when it holds a comma, a quote, CR or LF. A missing value is an empty field. Features are
 * written with the fewest digits that read back as the same 32-bit float.
 */
export class CsvTableWriter implements TableWriter {
  private constructor(
    private readonly handle: FileHandle,
    private readonly columns: readonly TableColumn[],
  ) {}

  /** Writes the header row. */
  static async open(handle: FileHandle, columns: readonly TableColumn[]): Promise<CsvTableWriter> {
    await handle.write(columns.map((column) => csvField(column.name)).join(',') + '\r\n');
    return new CsvTableWriter(handle, columns);
  }

  async write(batch: TableBatch): Promise<void> {
    const lines: string[] = [];
    for (let row = 0; row < batch.rows; row++) {
      lines.push(batch.columns.map((values, index) => this.field(values, index, row)).join(','));
    }
    if (lines.length > 0) await this.handle.write(lines.join('\r\n') + '\r\n');
  }

  async finish(): Promise<void> {}

  private field(values: ColumnValues, index: number, row: number): string {
    const value = values[row];
    if (value === null || value === undefined) return '';
    if (typeof value === 'string') return csvField(value);
    return this.columns[index].kind === 'float' ? shortestFloat32(value) : String(value);
  }
}

export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** 9 significant digits always read back as the same float32; fewer often do, and read better. */
function shortestFloat32(value: number): string {
  for (let digits = 6; digits < 9; digits++) {
    const text = String(Number(value.toPrecision(digits)));
    if (Math.fround(Number(text)) === value) return text;
  }
  return String(Number(value.toPrecision(9)));
}
