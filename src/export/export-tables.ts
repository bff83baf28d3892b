import type { ExportedEmbedding, ExportedEvaluation, ExportedProfile } from '../db/repositories/export.repository';
import { featureColumnName, type ColumnValues, type ExportTable, type TableBatch, type TableColumn } from './table';

/**
 * The exported tables' columns, in the profiling world's conventions (pycytominer, copairs):
 * metadata columns named Metadata_*, features emb_0000 onward, one row per image or profile.
 * Metadata_dose is the concentration in micromolar; Metadata_pert_iname the compound's name.
 */
const text = (name: string, nullable = false): TableColumn => ({ name, kind: 'text', nullable });
const int = (name: string): TableColumn => ({ name, kind: 'int', nullable: false });
const double = (name: string, nullable = false): TableColumn => ({ name, kind: 'double', nullable });

const EMBEDDING_METADATA: Array<{ column: TableColumn; value: (row: ExportedEmbedding) => string | number | null }> = [
  { column: int('Metadata_ImageNumber'), value: (row) => row.imageId },
  { column: text('Metadata_FileName'), value: (row) => row.path },
  { column: text('Metadata_Plate'), value: (row) => row.plate },
  { column: text('Metadata_Well'), value: (row) => row.well },
  { column: int('Metadata_Site'), value: (row) => row.site },
  { column: text('Metadata_cell_line'), value: (row) => row.cellLine },
  { column: text('Metadata_pert_iname'), value: (row) => row.compound },
  { column: text('Metadata_moa', true), value: (row) => row.moa },
  { column: double('Metadata_dose'), value: (row) => row.concentration },
];

/** Treatment-level profiles have no plate or well: those stay empty. */
const PROFILE_METADATA: Array<{ column: TableColumn; value: (row: ExportedProfile) => string | number | null }> = [
  { column: int('Metadata_ProfileNumber'), value: (row) => row.profileId },
  { column: text('Metadata_level'), value: (row) => row.level },
  { column: text('Metadata_normalization'), value: (row) => row.normalization },
  { column: text('Metadata_Plate', true), value: (row) => row.plate },
  { column: text('Metadata_Well', true), value: (row) => row.well },
  { column: text('Metadata_cell_line'), value: (row) => row.cellLine },
  { column: text('Metadata_pert_iname'), value: (row) => row.compound },
  { column: text('Metadata_moa', true), value: (row) => row.moa },
  { column: double('Metadata_dose'), value: (row) => row.concentration },
  { column: int('Metadata_image_count'), value: (row) => row.imageCount },
];

export const EVALUATION_COLUMNS: TableColumn[] = [text('task'), text('cell_line', true), text('metric'), double('value'), text('parameters')];

/** Rows with a vector: metadata columns, then one float column per dimension. */
function vectorTable<Row extends { vector: Float32Array }>(
  metadata: ReadonlyArray<{ column: TableColumn; value: (row: Row) => string | number | null }>,
  dimensions: number,
  pages: AsyncIterable<Row[]>,
): ExportTable {
  const features = Array.from({ length: dimensions }, (_, index): TableColumn => ({ name: featureColumnName(index), kind: 'float', nullable: false }));
  return {
    columns: [...metadata.map((entry) => entry.column), ...features],
    batches: (async function* () {
      for await (const rows of pages) yield vectorBatch(metadata, dimensions, rows);
    })(),
  };
}

export function embeddingTable(dimensions: number, pages: AsyncIterable<ExportedEmbedding[]>): ExportTable {
  return vectorTable(EMBEDDING_METADATA, dimensions, pages);
}

export function profileTable(dimensions: number, pages: AsyncIterable<ExportedProfile[]>): ExportTable {
  return vectorTable(PROFILE_METADATA, dimensions, pages);
}

/**
 * Evaluations as one long table: a row per numeric value of a stored result, its `metric` the
 * value's path in the result (`auc`, `distances.cosine.median`, `sweep.2.silhouette`), its cell
 * line empty for a result across cell lines, and the result set's parameters as JSON.
 */
export function evaluationTable(evaluations: readonly ExportedEvaluation[]): ExportTable {
  const columns: Array<Array<string | number | null>> = EVALUATION_COLUMNS.map(() => []);
  for (const evaluation of evaluations) {
    const parameters = JSON.stringify(evaluation.parameters);
    for (const [metric, value] of numericLeaves(evaluation.result, '')) {
      [evaluation.task, evaluation.cellLine, metric, value, parameters].forEach((field, index) => columns[index].push(field));
    }
  }
  const batch: TableBatch = { rows: columns[0].length, columns };
  return {
    columns: EVALUATION_COLUMNS,
    batches: (async function* () {
      yield batch;
    })(),
  };
}

function vectorBatch<Row extends { vector: Float32Array }>(
  metadata: ReadonlyArray<{ value: (row: Row) => string | number | null }>,
  dimensions: number,
  rows: readonly Row[],
): TableBatch {
  const features = Array.from({ length: dimensions }, () => new Float32Array(rows.length));
  rows.forEach((row, r) => {
    if (row.vector.length !== dimensions) throw new Error(`a stored vector has ${row.vector.length} dimensions where the run's have ${dimensions}`);
    for (let d = 0; d < dimensions; d++) features[d][r] = row.vector[d];
  });
  const columns: ColumnValues[] = [...metadata.map((entry) => rows.map(entry.value)), ...features];
  return { rows: rows.length, columns };
}

function* numericLeaves(value: unknown, path: string): Generator<[string, number]> {
  if (typeof value === 'number') {
    if (Number.isFinite(value)) yield [path, value];
  } else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) yield* numericLeaves(item, path ? `${path}.${index}` : String(index));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) yield* numericLeaves(item, path ? `${path}.${key}` : key);
  }
}
