import type { MigrationInterface, QueryRunner } from 'typeorm';

export class TrainingRuntime1764230000000 implements MigrationInterface {
  name = 'TrainingRuntime1764230000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "runs" ADD "training_runtime" text`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "runs" DROP COLUMN "training_runtime"`);
  }
}
