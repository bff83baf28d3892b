import { escapeLiteral } from 'pg';
import type { QueryRunner } from 'typeorm';
import type { DataSource } from 'typeorm';
import { decodeVector, encodeVector } from '../../embedding/vector-codec';
import type { ProfileNormalization } from '../entities/profile.entity';
import { copyPages } from './copy-pages.query';
import { cursorPages } from './cursor-pages.query';
import type { ProfileRecord } from './profile.repository';

/** What a treatment key and a well key are made of. */
export interface TreatmentKey {
  compoundId: number;
  cellLineId: number;
  concentration: number;
}

/** An embedded image on its way into profiles: its treatment, its well, its vector. */
export interface ProfiledVector extends TreatmentKey {
  plate: string;
  well: string;
  vector: Float32Array;
}

/** A stored well profile with what normalisation needs: is it a control, is it DMSO. */
export interface StoredWellProfile extends TreatmentKey {
  plate: string;
  well: string;
  imageCount: number;
  compound: string;
  isControl: boolean;
  vector: Float32Array;
}

/** Rows fetched from a cursor at a time: 512 x 8 KiB vectors is 4 MiB in flight. */
const FETCH_ROWS = 512;
const INSERT_CHUNK = 256;

/**
 * The profile build's reads and writes, all in one transaction on one connection: the old
 * profiles are deleted at the start, and readers see either them or the whole new set. Reads are
 * server-side cursors, so the process holds a page of rows at a time whatever the run's size.
 */
export class ProfileBuildSession {
  private cursors = 0;

  constructor(
    private readonly runner: QueryRunner,
    private readonly dataSource: DataSource,
    readonly runId: string,
  ) {}

  /**
   * The run's embeddings with their images' treatment and well, ordered by treatment, then plate
   * and well. Read by one binary COPY on a connection of its own (copy-pages.query.ts), since
   * this build's connection is busy writing between pages; it reads no row this build writes.
   */
  imageVectors(): AsyncGenerator<ProfiledVector[]> {
    return copyPages(
      this.dataSource,
      `SELECT i.compound_id, i.cell_line_id, i.concentration, i.plate, i.well, e.dimensions, e.vector
         FROM embeddings e JOIN images i ON i.id = e.image_id
        WHERE e.run_id = ${escapeLiteral(this.runId)}::uuid
        ORDER BY i.compound_id, i.cell_line_id, i.concentration, i.plate, i.well`,
      FETCH_ROWS,
      ([compoundId, cellLineId, concentration, plate, well, dimensions, vector]) => ({
        compoundId: compoundId!.readInt32BE(0),
        cellLineId: cellLineId!.readInt32BE(0),
        concentration: concentration!.readDoubleBE(0),
        plate: plate!.toString('utf8'),
        well: well!.toString('utf8'),
        vector: decodeVector(vector!, dimensions!.readInt32BE(0)),
      }),
    );
  }

  /** Plates with well profiles written in this build. */
  async plates(): Promise<string[]> {
    const rows: Array<{ plate: string }> = await this.runner.query(
      `SELECT DISTINCT plate FROM profiles WHERE run_id = $1 AND level = 'well' AND normalization = 'none' ORDER BY plate`,
      [this.runId],
    );
    return rows.map((row) => row.plate);
  }

  /** One plate's raw well profiles. */
  async wellsOfPlate(plate: string): Promise<StoredWellProfile[]> {
    const rows: WellRow[] = await this.runner.query(
      `${WELL_SELECT} WHERE p.run_id = $1 AND p.level = 'well' AND p.normalization = 'none' AND p.plate = $2 ORDER BY p.well, p.compound_id, p.cell_line_id, p.concentration`,
      [this.runId, plate],
    );
    return rows.map(wellOf);
  }

  /** Well profiles of one normalisation, ordered by treatment. */
  wellsByTreatment(normalization: ProfileNormalization): AsyncGenerator<StoredWellProfile[]> {
    return this.cursor(
      `${WELL_SELECT} WHERE p.run_id = $1 AND p.level = 'well' AND p.normalization = $2 ORDER BY p.compound_id, p.cell_line_id, p.concentration, p.plate, p.well`,
      [this.runId, normalization],
      wellOf,
    );
  }

  async insert(profiles: readonly ProfileRecord[]): Promise<void> {
    for (let start = 0; start < profiles.length; start += INSERT_CHUNK) {
      const chunk = profiles.slice(start, start + INSERT_CHUNK);
      await this.runner.query(
        `INSERT INTO profiles (run_id, level, normalization, cell_line_id, compound_id, concentration, plate, well, image_count, dimensions, vector)
         SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int[], $5::int[], $6::float8[], $7::text[], $8::text[], $9::int[], $10::int[], $11::bytea[])`,
        [
          this.runId,
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
  }

  private async *cursor<Row, T>(sql: string, parameters: unknown[], map: (row: Row) => T): AsyncGenerator<T[]> {
    for await (const rows of cursorPages<Row>(this.runner, `profile_build_${(this.cursors += 1)}`, sql, parameters, FETCH_ROWS)) yield rows.map(map);
  }
}

interface WellRow {
  compound_id: number;
  cell_line_id: number;
  concentration: number;
  plate: string;
  well: string;
  image_count: number;
  compound: string;
  is_control: boolean;
  dimensions: number;
  vector: Buffer;
}

const WELL_SELECT = `SELECT p.compound_id, p.cell_line_id, p.concentration, p.plate, p.well, p.image_count, c.name AS compound, c.is_control, p.dimensions, p.vector
  FROM profiles p JOIN compounds c ON c.id = p.compound_id`;

function wellOf(row: WellRow): StoredWellProfile {
  return {
    compoundId: row.compound_id,
    cellLineId: row.cell_line_id,
    concentration: row.concentration,
    plate: row.plate,
    well: row.well,
    imageCount: row.image_count,
    compound: row.compound,
    isControl: row.is_control,
    vector: decodeVector(row.vector, row.dimensions),
  };
}

/** Opens the build's transaction: the run's profiles are replaced by what `build` inserts, or left as they were if it throws. */
export class ProfileBuildRepository {
  constructor(private readonly dataSource: DataSource) {}

  async rebuild<T>(runId: string, build: (session: ProfileBuildSession) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await runner.query('DELETE FROM profiles WHERE run_id = $1', [runId]);
      const result = await build(new ProfileBuildSession(runner, this.dataSource, runId));
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }
}
