import type { DataSource } from 'typeorm';
import { decodeVector, encodeVector } from '../../embedding/vector-codec';
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

const INSERT_CHUNK = 256;

/** Profiles in Postgres: replaced as a whole per run, read per run and normalisation. */
export class ProfileRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The run's profiles become exactly these, in one transaction. */
  async replace(runId: string, profiles: readonly ProfileRecord[]): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query('DELETE FROM profiles WHERE run_id = $1', [runId]);
      for (let start = 0; start < profiles.length; start += INSERT_CHUNK) {
        const chunk = profiles.slice(start, start + INSERT_CHUNK);
        await manager.query(
          `INSERT INTO profiles (run_id, level, normalization, cell_line_id, compound_id, concentration, plate, well, image_count, dimensions, vector)
           SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int[], $5::int[], $6::float8[], $7::text[], $8::text[], $9::int[], $10::int[], $11::bytea[])`,
          [
            runId,
            chunk.map((p) => p.level),
            chunk.map((p) => p.normalization),
            chunk.map((p) => p.cellLineId),
            chunk.map((p) => p.compoundId),
            chunk.map((p) => p.concentration),
            chunk.map((p) => p.plate),
            chunk.map((p) => p.well),
            chunk.map((p) => p.imageCount),
            chunk.map((p) => p.vector.length),
            chunk.map((p) => encodeVector(p.vector)),
          ],
        );
      }
    });
  }

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
