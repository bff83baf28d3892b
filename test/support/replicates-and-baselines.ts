import { Client } from 'pg';

/**
 * A second replicate of the first setup and both baseline rows, written into the finished sweep
 * the way the pipeline stores them: each a run with a copy of another run's epochs and
 * evaluations (the second replicate takes the second setup's, so the replicates differ).
 */
export async function addReplicateAndBaselines(url: string, runIds: readonly string[]): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const copy = async (from: string, setup: string | null, replicate: number, evaluationsOf: string) => {
      const { rows } = await client.query(
        `INSERT INTO runs (sweep_id, setup_id, screen_id, replicate, status, backend, device, config, epochs_completed, resources, started_at, finished_at)
         SELECT r.sweep_id, COALESCE((SELECT id FROM setups WHERE baseline = $2), r.setup_id), r.screen_id, $3, r.status, r.backend, r.device, r.config,
                CASE WHEN $2::text IS NULL THEN r.epochs_completed ELSE 0 END, r.resources, r.started_at, r.finished_at
           FROM runs r WHERE r.id = $1 RETURNING id`,
        [from, setup, replicate],
      );
      const id = rows[0].id as string;
      if (setup === null) await client.query('INSERT INTO run_epochs (run_id, epoch, train_loss, validation_loss, wall_seconds, cpu_seconds, peak_rss_bytes, peak_tensor_bytes, gpu_memory_bytes, images_seen, images_per_second) SELECT $1, epoch, train_loss, validation_loss, wall_seconds, cpu_seconds, peak_rss_bytes, peak_tensor_bytes, gpu_memory_bytes, images_seen, images_per_second FROM run_epochs WHERE run_id = $2', [id, from]);
      await client.query('INSERT INTO evaluations (run_id, task, cell_line_id, parameters, result) SELECT $1, task, cell_line_id, parameters, result FROM evaluations WHERE run_id = $2', [id, evaluationsOf]);
    };
    await copy(runIds[0], null, 1, runIds[1]);
    await copy(runIds[2], 'untrained', 0, runIds[2]);
    await copy(runIds[0], 'classical', 0, runIds[0]);
  } finally {
    await client.end();
  }
}
