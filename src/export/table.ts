/** A column of an exported table: its name, what it holds, and whether a row may lack it. */
export interface TableColumn {
  name: string;
  /** text; int: 32-bit integer; double: 64-bit float; float: 32-bit float (features) */
  kind: 'text' | 'int' | 'double' | 'float';
  nullable: boolean;
}

export type ColumnValues = Array<string | number | null> | Float32Array;

/** Consecutive rows, column by column (`columns[i]` holds column i's values for every row). */
export interface TableBatch {
  rows: number;
  columns: ColumnValues[];
}

/** An exported table: its columns, then its rows in batches read one at a time. */
export interface ExportTable {
  columns: TableColumn[];
  batches: AsyncIterable<TableBatch>;
}

/** Writes a table into an open file, a batch at a time. */
export interface TableWriter {
  write(batch: TableBatch): Promise<void>;
  finish(): Promise<void>;
}

/** Feature columns as pycytominer and copairs expect them: emb_0000, emb_0001, ... */
export function featureColumnName(index: number): string {
  return `emb_${String(index).padStart(4, '0')}`;
}
