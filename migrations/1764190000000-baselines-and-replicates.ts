import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Baselines are setups of their own, run beside the 16 in every sweep: the encoder at its seeded
 * initialisation, and the project's hand-crafted image features. A sweep trains each setup with
 * `replicates` seeds; a run records which replicate it is.
 */
export class BaselinesAndReplicates1764190000000 implements MigrationInterface {
  name = 'BaselinesAndReplicates1764190000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "setups" ADD "baseline" text`);
    await queryRunner.query(`ALTER TABLE "setups" ADD CONSTRAINT "CHK_setups_baseline" CHECK ("baseline" IS NULL OR "baseline" IN ('untrained', 'classical'))`);
    await queryRunner.query(`INSERT INTO "setups" ("name", "paradigm", "crop_mode", "augment", "baseline") VALUES
      ('baseline/untrained', 'baseline', 'one-crop', false, 'untrained'),
      ('baseline/classical', 'baseline', 'one-crop', false, 'classical')`);
    await queryRunner.query(`ALTER TABLE "runs" ADD "replicate" integer NOT NULL DEFAULT 0`);
    await queryRunner.query(`ALTER TABLE "sweeps" ADD "replicates" integer NOT NULL DEFAULT 1`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sweeps" DROP COLUMN "replicates"`);
    await queryRunner.query(`ALTER TABLE "runs" DROP COLUMN "replicate"`);
    await queryRunner.query(`DELETE FROM "runs" WHERE "setup_id" IN (SELECT "id" FROM "setups" WHERE "baseline" IS NOT NULL)`);
    await queryRunner.query(`DELETE FROM "setups" WHERE "baseline" IS NOT NULL`);
    await queryRunner.query(`ALTER TABLE "setups" DROP CONSTRAINT "CHK_setups_baseline"`);
    await queryRunner.query(`ALTER TABLE "setups" DROP COLUMN "baseline"`);
  }
}
