import fs from 'node:fs/promises';
import path from 'node:path';
import { isUuid } from '../catalog/page-request';
import type { EmbeddingRepository } from '../db/repositories/embedding.repository';
import type { ExportRepository } from '../db/repositories/export.repository';
import type { RunRepository } from '../db/repositories/run.repository';
import { BadUserInputError, NotFoundError } from '../errors/app-errors';
import { replaceFileStreaming } from '../util/durable-write';
import { CsvTableWriter } from './csv-table.writer';
import { embeddingTable, evaluationTable, profileTable } from './export-tables';
import { ParquetTableWriter } from './parquet-table.writer';
import type { ExportTable, TableWriter } from './table';

export const EXPORT_KINDS = ['embeddings', 'profiles', 'evaluations'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];
export const EXPORT_FORMATS = ['parquet', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportRequest {
  run: string;
  what: string;
  format: string;
}

export interface ExportedFile {
  /** where it was written: absolute for a file the caller named, relative to the data dir otherwise */
  path: string;
  bytes: number;
  rows: number;
}

/**
 * Vector values read per batch (one Parquet row group): 8,192 rows of 2048-d, 64 MB as float32.
 * Bigger groups read faster in pandas and keep the footer small; this bounds the memory.
 */
const VALUES_PER_BATCH = 16 * 1024 * 1024;
const MAX_ROWS_PER_BATCH = 65_536;

/**
 * A run's embeddings, profiles or evaluations as a Parquet or CSV file. Rows stream from
 * PostgreSQL a batch at a time into the file, which is written under a temporary name and
 * renamed when complete: a failed or killed export never leaves a partial file under the name.
 */
export class ExportService {
  constructor(
    private readonly runs: RunRepository,
    private readonly embeddings: EmbeddingRepository,
    private readonly rows: ExportRepository,
    private readonly dataDir: string,
  ) {}

  /** Writes to `file` (the CLI's --out). */
  async exportToFile(request: ExportRequest, file: string): Promise<ExportedFile> {
    const { what, format } = checkRequest(request);
    const table = await this.table(request.run, what);
    return this.write(table, format, path.resolve(file));
  }

  /** Writes to `<data dir>/exports/<run>-<what>.<format>`, replacing an earlier export of the same. */
  async exportToDataDir(request: ExportRequest): Promise<ExportedFile> {
    const { what, format } = checkRequest(request);
    const table = await this.table(request.run, what);
    const directory = path.join(this.dataDir, 'exports');
    await fs.mkdir(directory, { recursive: true });
    const written = await this.write(table, format, path.join(directory, `${request.run}-${what}.${format}`));
    return { ...written, path: path.relative(this.dataDir, written.path) };
  }

  private async table(runId: string, what: ExportKind): Promise<ExportTable> {
    const run = isUuid(runId) ? await this.runs.byId(runId) : null;
    if (!run) throw new NotFoundError('run', runId);
    if (what === 'evaluations') return evaluationTable(await this.rows.evaluations(run.id));
    const set = await this.embeddings.set(run.id);
    if (!set || set.status !== 'complete') throw new NotFoundError('embeddings of run', runId);
    const pageSize = Math.min(MAX_ROWS_PER_BATCH, Math.max(1, Math.floor(VALUES_PER_BATCH / Math.max(1, set.dimensions))));
    return what === 'embeddings'
      ? embeddingTable(set.dimensions, this.rows.embeddingPages(run.id, pageSize))
      : profileTable(set.dimensions, this.rows.profilePages(run.id, pageSize));
  }

  private async write(table: ExportTable, format: ExportFormat, file: string): Promise<ExportedFile> {
    let rows = 0;
    await replaceFileStreaming(file, async (handle) => {
      const writer: TableWriter = format === 'parquet' ? await ParquetTableWriter.open(handle, table.columns) : await CsvTableWriter.open(handle, table.columns);
      for await (const batch of table.batches) {
        await writer.write(batch);
        rows += batch.rows;
      }
      await writer.finish();
    });
    const { size } = await fs.stat(file);
    return { path: file, bytes: size, rows };
  }
}

function checkRequest(request: ExportRequest): { what: ExportKind; format: ExportFormat } {
  if (!(EXPORT_KINDS as readonly string[]).includes(request.what)) throw new BadUserInputError(`what must be one of ${EXPORT_KINDS.join(', ')}, got "${request.what}"`, 'what');
  if (!(EXPORT_FORMATS as readonly string[]).includes(request.format)) throw new BadUserInputError(`format must be one of ${EXPORT_FORMATS.join(', ')}, got "${request.format}"`, 'format');
  return { what: request.what as ExportKind, format: request.format as ExportFormat };
}
