import type { MigrationInterface, QueryRunner } from 'typeorm';

export class EmbeddingRuntime1764180000000 implements MigrationInterface {
  name = 'EmbeddingRuntime1764180000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "runs" ADD "embedding_runtime" text`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "runs" DROP COLUMN "embedding_runtime"`);
  }
}
