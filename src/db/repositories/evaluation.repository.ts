import { escapeLiteral } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { copyPages } from './copy-pages.query';
import { announceEvaluation } from '../change-notifications';
import { decodeVector } from '../../embedding/vector-codec';
import type { TaskName } from '../../evaluation/tasks/task.registry';
import type { VectorMatrix } from '../../numeric/matrix';

/** Images handed over at a time while a cell line is read (their vectors go into the matrix as they come). */
const PAGE_ROWS = 2048;

/** An embedded image with what the evaluation groups it by. */
export interface EvaluationImage {
  id: number;
  cellLineId: number;
  cellLine: string;
  compoundId: number;
  compound: string;
  moa: string | null;
  isControl: boolean;
  concentration: number;
  plate: string;
  well: string;
}

export interface NamedEntity {
  id: number;
  name: string;
}

export interface ScreenCompound extends NamedEntity {
  moa: string | null;
  isControl: boolean;
}

export interface StoredEvaluation<Result = unknown> {
  id: number;
  runId: string;
  task: TaskName;
  cellLineId: number | null;
  parameters: Record<string, unknown>;
  result: Result;
  createdAt: Date;
}

export interface EvaluationRecord {
  cellLineId: number | null;
  result: object;
}

/** One result set's rows: a task under one parameter set. */
export interface EvaluationSetRecords {
  task: TaskName;
  parameters: object;
  records: readonly EvaluationRecord[];
}

/**
 * Evaluations in Postgres, and the embeddings they are computed from. A result set is
 * identified by run + task + parameters (jsonb equality); writing one replaces the rows it
 * covers in one transaction, under an advisory lock on run + task, so a re-run or two
 * concurrent writers never leave duplicates.
 */
export class EvaluationRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The cell lines of a screen's images. */
  async cellLinesOf(screenId: string): Promise<NamedEntity[]> {
    return this.dataSource.query(
      `SELECT cl.id, cl.name FROM cell_lines cl WHERE EXISTS (SELECT 1 FROM images i WHERE i.screen_id = $1 AND i.cell_line_id = cl.id) ORDER BY cl.name`,
      [screenId],
    );
  }

  /** The compounds of a screen's images. */
  async compoundsOf(screenId: string): Promise<ScreenCompound[]> {
    const rows: Array<{ id: number; name: string; moa: string | null; is_control: boolean }> = await this.dataSource.query(
      `SELECT c.id, c.name, c.moa, c.is_control FROM compounds c WHERE EXISTS (SELECT 1 FROM images i WHERE i.screen_id = $1 AND i.compound_id = c.id) ORDER BY c.name`,
      [screenId],
    );
    return rows.map((row) => ({ id: row.id, name: row.name, moa: row.moa, isControl: row.is_control }));
  }

  /**
   * A run's embeddings with their images' metadata, in image order, optionally only some
   * cell lines and compounds. One cell line at a time keeps memory to a cell line's images.
   * The rows stream in by one binary COPY (copy-pages.query.ts), each vector's stored bytes
   * decoded straight into the one matrix as its row is read, so no page of vectors is held
   * beside it (37,000 images x 8 KB at 770k images), and no vector travels as hex text: as
   * text, reading and decoding the vectors took the evaluate job's main thread 210 of 821 s at
   * 770k images.
   */
  async embeddedImages(runId: string, filter: { cellLineIds?: readonly number[]; compoundIds?: readonly number[] } = {}): Promise<{ images: EvaluationImage[]; vectors: VectorMatrix }> {
    // COPY takes no bind parameters: the run id is quoted, and the ids are checked to be
    // integers before they are written into the statement
    const conditions = [`e.run_id = ${escapeLiteral(runId)}::uuid`];
    if (filter.cellLineIds) conditions.push(`i.cell_line_id = ANY(${integerArray(filter.cellLineIds)})`);
    if (filter.compoundIds) conditions.push(`i.compound_id = ANY(${integerArray(filter.compoundIds)})`);
    const where = conditions.join(' AND ');
    const [{ count }]: Array<{ count: string }> = await this.dataSource.query(`SELECT count(*) AS count FROM embeddings e JOIN images i ON i.id = e.image_id WHERE ${where}`);
    const total = Number(count);
    const images: EvaluationImage[] = [];
    let rows = 0;
    let width = 0;
    let data = new Float32Array(0);
    // each vector goes into the matrix as its row is read, so a page holds the images alone
    const intoMatrix = (dimensions: Buffer, vector: Buffer): void => {
      const decoded = decodeVector(vector, dimensions.readInt32BE(0));
      if (rows === 0) {
        width = decoded.length;
        data = new Float32Array(total * width);
      }
      data.set(decoded, rows * width);
      rows += 1;
    };
    const pages = copyPages(
      this.dataSource,
      `SELECT i.id, i.cell_line_id, cl.name, i.compound_id, c.name, c.moa, c.is_control, i.concentration, i.plate, i.well, e.dimensions, e.vector
         FROM embeddings e JOIN images i ON i.id = e.image_id JOIN compounds c ON c.id = i.compound_id JOIN cell_lines cl ON cl.id = i.cell_line_id
        WHERE ${where} ORDER BY i.id`,
      PAGE_ROWS,
      ([id, cellLineId, cellLine, compoundId, compound, moa, isControl, concentration, plate, well, dimensions, vector]): EvaluationImage | undefined => {
        // rows written after the count (an embed still running) wait for the next evaluation
        if (rows === total) return undefined;
        intoMatrix(dimensions!, vector!);
        return {
          id: id!.readInt32BE(0),
          cellLineId: cellLineId!.readInt32BE(0),
          cellLine: cellLine!.toString('utf8'),
          compoundId: compoundId!.readInt32BE(0),
          compound: compound!.toString('utf8'),
          moa: moa === null ? null : moa.toString('utf8'),
          isControl: isControl![0] === 1,
          concentration: concentration!.readDoubleBE(0),
          plate: plate!.toString('utf8'),
          well: well!.toString('utf8'),
        };
      },
    );
    for await (const page of pages) for (const image of page) if (image) images.push(image);
    return { images, vectors: { rows: images.length, dim: width, data: images.length === total ? data : data.slice(0, images.length * width) } };
  }

  /**
   * Replaces the result set's rows in one transaction. `scope: 'all'` drops every row of the
   * run + task + parameters first (a whole re-run); `scope: 'rows'` only those with the
   * given rows' cell lines (an on-demand cell line).
   */
  async replace(runId: string, task: TaskName, parameters: object, records: readonly EvaluationRecord[], scope: 'all' | 'rows' = 'all'): Promise<void> {
    await this.replaceSets(runId, [{ task, parameters, records }], scope);
  }

  /** Replaces several result sets of a run (a whole evaluation) in one transaction, announced once at commit. */
  async replaceSets(runId: string, sets: readonly EvaluationSetRecords[], scope: 'all' | 'rows' = 'all'): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      for (const { task, parameters, records } of sets) await writeSet(manager, runId, task, JSON.stringify(parameters), records, scope);
      await manager.query(...announceEvaluation(runId, sets.map((set) => set.task)));
    });
  }

  /** Rows of a result set: every cell line and the aggregate, or one cell line (null: the aggregate). */
  async find<Result = unknown>(runId: string, task: TaskName, parameters: object, cellLineId?: number | null): Promise<Array<StoredEvaluation<Result>>> {
    const values: unknown[] = [runId, task, JSON.stringify(parameters)];
    let condition = '';
    if (cellLineId === null) condition = ' AND cell_line_id IS NULL';
    else if (cellLineId !== undefined) {
      values.push(cellLineId);
      condition = ' AND cell_line_id = $4';
    }
    const rows: RawRow[] = await this.dataSource.query(
      `SELECT id, run_id, task, cell_line_id, parameters, result, created_at FROM evaluations WHERE run_id = $1 AND task = $2 AND parameters = $3::jsonb${condition} ORDER BY cell_line_id NULLS FIRST, id`,
      values,
    );
    return rows.map(fromRow) as Array<StoredEvaluation<Result>>;
  }

  /**
   * A result set's aggregate row and cell-line rows. The rows hold the task's own shapes (it
   * wrote them through `replace`): this is where they are read back as those types.
   */
  async findSet<Aggregate, Line>(runId: string, task: TaskName, parameters: object): Promise<{ aggregate?: StoredEvaluation<Aggregate>; lines: Array<StoredEvaluation<Line> & { cellLineId: number }> }> {
    const rows = await this.find(runId, task, parameters);
    const lines = rows.filter((row): row is StoredEvaluation & { cellLineId: number } => row.cellLineId !== null);
    return { aggregate: rows.find((row) => row.cellLineId === null) as StoredEvaluation<Aggregate> | undefined, lines: lines as Array<StoredEvaluation<Line> & { cellLineId: number }> };
  }

  /** The parameters of a run's stored result sets of the task, oldest first. */
  async parameterSets<Parameters>(runId: string, task: TaskName): Promise<Parameters[]> {
    const rows: Array<{ parameters: Parameters }> = await this.dataSource.query(
      'SELECT parameters FROM evaluations WHERE run_id = $1 AND task = $2 AND cell_line_id IS NULL ORDER BY created_at, id',
      [runId, task],
    );
    return rows.map((row) => row.parameters);
  }

  /** Rewrites one row's result (a clustering sweep point added on demand). */
  async updateResult(id: number, result: object): Promise<void> {
    await this.dataSource.query('UPDATE evaluations SET result = $2::jsonb WHERE id = $1', [id, JSON.stringify(result)]);
  }
}

interface RawRow {
  id: number;
  run_id: string;
  task: TaskName;
  cell_line_id: number | null;
  parameters: Record<string, unknown>;
  result: unknown;
  created_at: Date;
}

async function writeSet(manager: EntityManager, runId: string, task: TaskName, parametersJson: string, records: readonly EvaluationRecord[], scope: 'all' | 'rows'): Promise<void> {
  await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`evaluations:${runId}:${task}`]);
  if (scope === 'all') {
    await manager.query('DELETE FROM evaluations WHERE run_id = $1 AND task = $2 AND parameters = $3::jsonb', [runId, task, parametersJson]);
  } else {
    const ids = records.map((r) => r.cellLineId).filter((id): id is number => id !== null);
    const withNull = records.some((r) => r.cellLineId === null);
    await manager.query(
      `DELETE FROM evaluations WHERE run_id = $1 AND task = $2 AND parameters = $3::jsonb AND (cell_line_id = ANY($4::int[]) OR ($5 AND cell_line_id IS NULL))`,
      [runId, task, parametersJson, ids, withNull],
    );
  }
  for (const record of records) {
    await manager.query('INSERT INTO evaluations (run_id, task, cell_line_id, parameters, result) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb)', [
      runId,
      task,
      record.cellLineId,
      parametersJson,
      JSON.stringify(record.result),
    ]);
  }
}

function fromRow(row: RawRow): StoredEvaluation {
  return { id: row.id, runId: row.run_id, task: row.task, cellLineId: row.cell_line_id, parameters: row.parameters, result: row.result, createdAt: row.created_at };
}

/** An int[] literal of ids, each checked to be an integer: COPY cannot take them as a parameter. */
function integerArray(ids: readonly number[]): string {
  for (const id of ids) if (!Number.isSafeInteger(id)) throw new Error(`not an integer id: ${id}`);
  return `'{${ids.join(',')}}'::int[]`;
}
