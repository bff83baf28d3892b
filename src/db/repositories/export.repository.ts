import type { DataSource } from 'typeorm';
import { decodeVector } from '../../embedding/vector-codec';
import type { ProfileLevel, ProfileNormalization } from '../entities/profile.entity';

/** What an image's row in an export says about it. */
export interface ImageMetadata {
  imageId: number;
  path: string;
  plate: string;
  well: string;
  site: number;
  cellLine: string;
  compound: string;
  moa: string | null;
  concentration: number;
}

export interface ExportedEmbedding extends ImageMetadata {
  vector: Float32Array;
}

export interface ExportedProfile {
  profileId: number;
  level: ProfileLevel;
  normalization: ProfileNormalization;
  plate: string | null;
  well: string | null;
  cellLine: string;
  compound: string;
  moa: string | null;
  concentration: number;
  imageCount: number;
  vector: Float32Array;
}

export interface ExportedEvaluation {
  task: string;
  cellLine: string | null;
  parameters: Record<string, unknown>;
  result: Record<string, unknown>;
}

/**
 * A run's embeddings, profiles and evaluations with the names of what they are about, read for
 * export. Vectors come in keyset pages (`WHERE id > last ORDER BY id LIMIT n`), so a run of any
 * size is read in bounded memory and each page costs an index range scan, not an offset skip.
 */
export class ExportRepository {
  constructor(private readonly dataSource: DataSource) {}

  async *embeddingPages(runId: string, pageSize: number): AsyncGenerator<ExportedEmbedding[]> {
    let after = -1;
    for (;;) {
      const rows: Array<{ image_id: number; path: string; plate: string; well: string; site: number; cell_line: string; compound: string; moa: string | null; concentration: number; dimensions: number; vector: Buffer }> =
        await this.dataSource.query(
          `SELECT e.image_id, i.path, i.plate, i.well, i.site, cl.name AS cell_line, c.name AS compound, c.moa, i.concentration, e.dimensions, e.vector
             FROM embeddings e JOIN images i ON i.id = e.image_id JOIN cell_lines cl ON cl.id = i.cell_line_id JOIN compounds c ON c.id = i.compound_id
            WHERE e.run_id = $1 AND e.image_id > $2 ORDER BY e.image_id LIMIT $3`,
          [runId, after, pageSize],
        );
      if (rows.length === 0) return;
      yield rows.map((row) => ({
        imageId: row.image_id,
        path: row.path,
        plate: row.plate,
        well: row.well,
        site: row.site,
        cellLine: row.cell_line,
        compound: row.compound,
        moa: row.moa,
        concentration: row.concentration,
        vector: decodeVector(row.vector, row.dimensions),
      }));
      after = rows[rows.length - 1].image_id;
      if (rows.length < pageSize) return;
    }
  }

  async *profilePages(runId: string, pageSize: number): AsyncGenerator<ExportedProfile[]> {
    let after = -1;
    for (;;) {
      const rows: Array<{
        id: number;
        level: ProfileLevel;
        normalization: ProfileNormalization;
        plate: string | null;
        well: string | null;
        cell_line: string;
        compound: string;
        moa: string | null;
        concentration: number;
        image_count: number;
        dimensions: number;
        vector: Buffer;
      }> = await this.dataSource.query(
        `SELECT p.id, p.level, p.normalization, p.plate, p.well, cl.name AS cell_line, c.name AS compound, c.moa, p.concentration, p.image_count, p.dimensions, p.vector
           FROM profiles p JOIN cell_lines cl ON cl.id = p.cell_line_id JOIN compounds c ON c.id = p.compound_id
          WHERE p.run_id = $1 AND p.id > $2 ORDER BY p.id LIMIT $3`,
        [runId, after, pageSize],
      );
      if (rows.length === 0) return;
      yield rows.map((row) => ({
        profileId: row.id,
        level: row.level,
        normalization: row.normalization,
        plate: row.plate,
        well: row.well,
        cellLine: row.cell_line,
        compound: row.compound,
        moa: row.moa,
        concentration: row.concentration,
        imageCount: row.image_count,
        vector: decodeVector(row.vector, row.dimensions),
      }));
      after = rows[rows.length - 1].id;
      if (rows.length < pageSize) return;
    }
  }

  /** Few rows per run (a result set per task and cell line), so read at once. */
  async evaluations(runId: string): Promise<ExportedEvaluation[]> {
    const rows: Array<{ task: string; cell_line: string | null; parameters: Record<string, unknown>; result: Record<string, unknown> }> = await this.dataSource.query(
      `SELECT v.task, cl.name AS cell_line, v.parameters, v.result FROM evaluations v LEFT JOIN cell_lines cl ON cl.id = v.cell_line_id
        WHERE v.run_id = $1 ORDER BY v.task, cl.name NULLS FIRST, v.id`,
      [runId],
    );
    return rows.map((row) => ({ task: row.task, cellLine: row.cell_line, parameters: row.parameters, result: row.result }));
  }
}
