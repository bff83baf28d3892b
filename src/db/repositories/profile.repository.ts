import type { DataSource } from 'typeorm';
import { decodeVector } from '../../embedding/vector-codec';
import type { ProfileLevel, ProfileNormalization } from '../entities/profile.entity';

export interface ProfileRecord {
  level: ProfileLevel;
  normalization: ProfileNormalization;
  cellLineId: number;
  compoundId: number;
  concentration: number;
  plate: string | null;
  well: string | null;
  imageCount: number;
  vector: Float32Array;
}

export interface StoredProfile extends ProfileRecord {
  id: number;
}

/** Profiles in Postgres, read per run and normalisation (profile-build.repository.ts replaces a run's). */
export class ProfileRepository {
  constructor(private readonly dataSource: DataSource) {}

  async list(runId: string, level: ProfileLevel, normalization: ProfileNormalization): Promise<StoredProfile[]> {
    const rows: Array<{
      id: number;
      level: ProfileLevel;
      normalization: ProfileNormalization;
      cell_line_id: number;
      compound_id: number;
      concentration: number;
      plate: string | null;
      well: string | null;
      image_count: number;
      dimensions: number;
      vector: Buffer;
    }> = await this.dataSource.query(
      `SELECT id, level, normalization, cell_line_id, compound_id, concentration, plate, well, image_count, dimensions, vector
         FROM profiles WHERE run_id = $1 AND level = $2 AND normalization = $3 ORDER BY id`,
      [runId, level, normalization],
    );
    return rows.map((row) => ({
      id: row.id,
      level: row.level,
      normalization: row.normalization,
      cellLineId: row.cell_line_id,
      compoundId: row.compound_id,
      concentration: row.concentration,
      plate: row.plate,
      well: row.well,
      imageCount: row.image_count,
      vector: decodeVector(row.vector, row.dimensions),
    }));
  }

  async count(runId: string): Promise<number> {
    const rows: Array<{ n: string }> = await this.dataSource.query('SELECT count(*) AS n FROM profiles WHERE run_id = $1', [runId]);
    return Number(rows[0].n);
  }
}
