import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';

export interface BenchRun {
  screenId: string;
  runId: string;
  /** ascending */
  imageIds: number[];
}

/**
 * Throwaway rows for benchmarks that need a run with images (embedding writes, the API's
 * nearest-neighbour queries): a screen named bench-*, one run, `images` image rows. Removed
 * with the screen (everything cascades).
 */
export class BenchFixtureRepository {
  constructor(private readonly dataSource: DataSource) {}

  async create(images: number): Promise<BenchRun> {
    return this.dataSource.transaction(async (manager) => {
      const name = `bench-${randomUUID().slice(0, 8)}`;
      const [{ id: screenId }] = await manager.query(`INSERT INTO screens (name, source, root, image_count) VALUES ($1, 'import', '/nonexistent', $2) RETURNING id`, [name, images]);
      await manager.query(`INSERT INTO cell_lines (name) VALUES ('BENCH') ON CONFLICT (name) DO NOTHING`);
      await manager.query(`INSERT INTO compounds (name) VALUES ('BENCH') ON CONFLICT (name) DO NOTHING`);
      const rows: Array<{ id: number }> = await manager.query(
        `INSERT INTO images (screen_id, path, cell_line_id, compound_id, concentration, plate, well, site, content_hash)
         SELECT $1, 'bench/' || g || '.png', (SELECT id FROM cell_lines WHERE name = 'BENCH'), (SELECT id FROM compounds WHERE name = 'BENCH'), 1, 'P' || (g % 16), 'A01', 1, md5(g::text)
           FROM generate_series(1, $2) AS g RETURNING id`,
        [screenId, images],
      );
      const [{ id: setupId }] = await manager.query(`SELECT id FROM setups ORDER BY id LIMIT 1`);
      const [{ id: runId }] = await manager.query(`INSERT INTO runs (setup_id, screen_id, status) VALUES ($1, $2, 'succeeded') RETURNING id`, [setupId, screenId]);
      return { screenId, runId, imageIds: rows.map((row) => row.id).sort((a, b) => a - b) };
    });
  }

  /** Marks the run's embeddings complete at generation 1 (the bench writes its index itself). */
  async publish(runId: string, count: number, dimensions: number): Promise<number> {
    await this.dataSource.query(
      `INSERT INTO embedding_sets (run_id, generation, status, image_count, dimensions) VALUES ($1, 1, 'complete', $2, $3)
       ON CONFLICT (run_id) DO UPDATE SET generation = embedding_sets.generation + 1, status = 'complete', image_count = $2`,
      [runId, count, dimensions],
    );
    const [{ generation }] = await this.dataSource.query('SELECT generation FROM embedding_sets WHERE run_id = $1', [runId]);
    return generation;
  }

  /** The newest run of the named screen that trained, embedded and was evaluated: what the load bench serves. */
  async evaluatedRunOf(screenName: string): Promise<string | undefined> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT r.id FROM runs r JOIN screens s ON s.id = r.screen_id JOIN embedding_sets e ON e.run_id = r.id AND e.status = 'complete'
        WHERE s.name = $1 AND r.status = 'succeeded' AND EXISTS (SELECT 1 FROM evaluations v WHERE v.run_id = r.id)
        ORDER BY r.created_at DESC LIMIT 1`,
      [screenName],
    );
    return rows[0]?.id;
  }

  async remove(run: BenchRun): Promise<void> {
    await this.dataSource.query('DELETE FROM screens WHERE id = $1', [run.screenId]);
  }
}
