import { Client } from 'pg';

/**
 * A second replicate of the first setup, written into the finished sweep (which has its real
 * baseline runs) the way the pipeline stores one: a run with a copy of the first run's epochs
 * and the second setup's evaluations, so the two replicates differ.
 */
export async function addReplicate(url: string, runIds: readonly string[]): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `INSERT INTO runs (sweep_id, setup_id, screen_id, replicate, status, backend, device, config, epochs_completed, resources, started_at, finished_at)
       SELECT sweep_id, setup_id, screen_id, 1, status, backend, device, config, epochs_completed, resources, started_at, finished_at
         FROM runs WHERE id = $1 RETURNING id`,
      [runIds[0]],
    );
    const id = rows[0].id as string;
    await client.query(
      'INSERT INTO run_epochs (run_id, epoch, train_loss, validation_loss, wall_seconds, cpu_seconds, peak_rss_bytes, peak_tensor_bytes, gpu_memory_bytes, images_seen, images_per_second) SELECT $1, epoch, train_loss, validation_loss, wall_seconds, cpu_seconds, peak_rss_bytes, peak_tensor_bytes, gpu_memory_bytes, images_seen, images_per_second FROM run_epochs WHERE run_id = $2',
      [id, runIds[0]],
    );
    await client.query('INSERT INTO evaluations (run_id, task, cell_line_id, parameters, result) SELECT $1, task, cell_line_id, parameters, result FROM evaluations WHERE run_id = $2', [id, runIds[1]]);
  } finally {
    await client.end();
  }
}
