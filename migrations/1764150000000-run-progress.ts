import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RunProgress1764150000000 implements MigrationInterface {
  name = 'RunProgress1764150000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "runs" ADD "progress" jsonb`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "runs" DROP COLUMN "progress"`);
  }
}
