import type { FileHandle } from 'node:fs/promises';
import type { SchemaElement } from 'hyparquet' with { 'resolution-mode': 'import' };
import type { ColumnSource, ParquetWriter, Writer } from 'hyparquet-writer' with { 'resolution-mode': 'import' };
import type { TableBatch, TableColumn, TableWriter } from './table';

/**
 * Parquet through hyparquet-writer: each batch becomes one row group, encoded into memory and
 * appended to the file before the next batch is read, so memory holds one row group (plus the
 * footer's metadata), never the table. Feature columns carry no statistics: min/max of an
 * embedding dimension helps no reader, and across thousands of columns and row groups they
 * would swell the footer.
 */
export class ParquetTableWriter implements TableWriter {
  private constructor(
    private readonly parquet: ParquetWriter,
    private readonly columns: readonly TableColumn[],
  ) {}

  static async open(handle: FileHandle, columns: readonly TableColumn[]): Promise<ParquetTableWriter> {
    // an ES module: a CommonJS build can only import() it
    const { ByteWriter, ParquetWriter } = await import('hyparquet-writer');
    const parquet = new ParquetWriter({ writer: fileSink(new ByteWriter(), handle), schema: schemaOf(columns), codec: 'SNAPPY' });
    return new ParquetTableWriter(parquet, columns);
  }

  async write(batch: TableBatch): Promise<void> {
    if (batch.rows === 0) return;
    const columnData: ColumnSource[] = this.columns.map((column, index) => {
      const values = batch.columns[index];
      const feature = column.kind === 'float';
      return { name: column.name, data: feature ? values : Array.from(values), statistics: !feature, offsetIndex: !feature };
    });
    await this.parquet.write({ columnData, rowGroupSize: batch.rows });
  }

  async finish(): Promise<void> {
    await this.parquet.finish();
  }
}

function schemaOf(columns: readonly TableColumn[]): SchemaElement[] {
  return [
    { name: 'schema', num_children: columns.length },
    ...columns.map((column): SchemaElement => {
      const repetition_type = column.nullable ? 'OPTIONAL' : 'REQUIRED';
      switch (column.kind) {
        case 'text':
          return { name: column.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, repetition_type };
        case 'int':
          return { name: column.name, type: 'INT32', repetition_type };
        case 'double':
          return { name: column.name, type: 'DOUBLE', repetition_type };
        case 'float':
          return { name: column.name, type: 'FLOAT', repetition_type };
      }
    }),
  ];
}

/**
 * hyparquet-writer's byte buffer, emptied into the file after each row group (the writer awaits
 * `flush` before it encodes the next) and at the end. `offset` keeps counting across flushes:
 * the footer's column offsets are file positions.
 */
function fileSink(bytes: Writer & { index: number }, handle: FileHandle): Writer {
  const drain = async () => {
    if (bytes.index === 0) return;
    await handle.write(new Uint8Array(bytes.buffer, 0, bytes.index));
    bytes.index = 0;
  };
  bytes.flush = drain;
  bytes.finish = drain;
  return bytes;
}
