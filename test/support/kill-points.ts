import { Client } from 'pg';

/**
 * Deterministic places to kill a worker at: the test holds a table lock (or a trigger makes an
 * insert sleep) so the worker's step stops at a known statement, waits until Postgres shows it
 * waiting there, and only then kills it. The statement a dead client left waiting is
 * terminated before the lock goes, so it never completes on its own afterwards.
 */
export class KillPoints {
  /** the table whose writes are blocked, while they are */
  private locked: string | undefined;

  private constructor(private readonly client: Client) {}

  static async connect(url: string): Promise<KillPoints> {
    const client = new Client({ connectionString: url });
    await client.connect();
    return new KillPoints(client);
  }

  /** Blocks every write to `table` (reads go on) until `release`. */
  async blockWrites(table: 'run_epochs' | 'embeddings' | 'evaluations'): Promise<void> {
    await this.client.query('BEGIN');
    await this.client.query(`LOCK TABLE ${table} IN EXCLUSIVE MODE`);
    this.locked = table;
  }

  /** Makes any insert of a `run.embed` job sleep: a worker is held between a run's success and its embed job. */
  async holdEmbedInserts(): Promise<void> {
    await this.client.query(`CREATE FUNCTION test_hold_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(600); RETURN NEW; END $$`);
    await this.client.query(`CREATE TRIGGER test_hold_embed BEFORE INSERT ON pgboss.job FOR EACH ROW WHEN (NEW.name = 'run.embed') EXECUTE FUNCTION test_hold_insert()`);
  }

  /** Whether a worker waits at the point: on the blocked table's lock, or in the trigger's sleep. */
  async reached(on: 'Lock' | 'PgSleep'): Promise<boolean> {
    const { rows } =
      on === 'Lock'
        ? await this.client.query(`SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = $1::regclass`, [this.locked])
        : await this.client.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'PgSleep'`);
    return rows[0].n > 0;
  }

  /** Ends what a killed worker left waiting, then lifts the lock or the trigger. */
  async release(): Promise<void> {
    await this.client.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND (wait_event_type = 'Lock' OR wait_event = 'PgSleep')`,
    );
    if (this.locked) await this.client.query('COMMIT');
    this.locked = undefined;
    await this.client.query('DROP TRIGGER IF EXISTS test_hold_embed ON pgboss.job');
    await this.client.query('DROP FUNCTION IF EXISTS test_hold_insert()');
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}
