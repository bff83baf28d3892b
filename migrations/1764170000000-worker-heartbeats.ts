import type { MigrationInterface, QueryRunner } from 'typeorm';

/** One row per worker process: its heartbeat and the queue jobs it holds, so a dead worker's jobs go back in seconds. */
export class WorkerHeartbeats1764170000000 implements MigrationInterface {
  name = 'WorkerHeartbeats1764170000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "workers" ("id" uuid NOT NULL, "host" text NOT NULL, "pid" integer NOT NULL, "started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "heartbeat_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "jobs" jsonb NOT NULL DEFAULT '[]', CONSTRAINT "PK_workers_id" PRIMARY KEY ("id"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "workers"`);
  }
}
