import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Screens get an ordered list of named channels (every existing screen is one grey channel) and
 * the per-plate, per-channel intensity ranges its multi-channel images are stretched with.
 * An image may name one file per channel; NULL keeps one file (grey, or a multi-page TIFF).
 */
export class ScreenChannels1764200000000 implements MigrationInterface {
  name = 'ScreenChannels1764200000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "screens" ADD "channels" jsonb NOT NULL DEFAULT '[{"name": "grey", "role": "grey"}]'`);
    await queryRunner.query(`ALTER TABLE "screens" ADD "channel_normalisation" jsonb`);
    await queryRunner.query(`ALTER TABLE "images" ADD "channel_paths" text[]`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "images" DROP COLUMN "channel_paths"`);
    await queryRunner.query(`ALTER TABLE "screens" DROP COLUMN "channel_normalisation"`);
    await queryRunner.query(`ALTER TABLE "screens" DROP COLUMN "channels"`);
  }
}
