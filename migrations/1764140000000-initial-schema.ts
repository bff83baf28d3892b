import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1764140000000 implements MigrationInterface {
  name = 'InitialSchema1764140000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "api_keys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "role" text NOT NULL, "key_hash" text NOT NULL, "prefix" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_57384430aa1959f4578046c9b81" UNIQUE ("key_hash"), CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE TABLE "cell_lines" ("id" SERIAL NOT NULL, "name" text NOT NULL, "tissue" text, CONSTRAINT "UQ_cbc75aa1e14890ebb4e5ee094e1" UNIQUE ("name"), CONSTRAINT "PK_3f16e21ac4c09e6d2e8bad11932" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE TABLE "compounds" ("id" SERIAL NOT NULL, "name" text NOT NULL, "moa" text, "target" text, "is_control" boolean NOT NULL DEFAULT false, CONSTRAINT "UQ_db2b6e7bbc10a360af67b86773f" UNIQUE ("name"), CONSTRAINT "PK_adbbe9a1cdf9d1bf038d6458449" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE TABLE "screens" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "source" text NOT NULL, "root" text NOT NULL, "origin" jsonb NOT NULL DEFAULT '{}', "split" jsonb, "image_count" integer NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_771ab3bb33597be178a883b4103" UNIQUE ("name"), CONSTRAINT "PK_15b65ed44367c5411efccdd7de1" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE TABLE "images" ("id" SERIAL NOT NULL, "screen_id" uuid NOT NULL, "path" text NOT NULL, "cell_line_id" integer NOT NULL, "compound_id" integer NOT NULL, "concentration" double precision NOT NULL, "plate" text NOT NULL, "well" text NOT NULL, "site" integer NOT NULL DEFAULT '1', "content_hash" text NOT NULL, CONSTRAINT "uq_images_screen_path" UNIQUE ("screen_id", "path"), CONSTRAINT "PK_1fe148074c6a1a91b63cb9ee3c9" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_images_content_hash" ON "images" ("content_hash") `);
    await queryRunner.query(`CREATE INDEX "ix_images_screen_cell_line_compound" ON "images" ("screen_id", "cell_line_id", "compound_id") `);
    await queryRunner.query(`CREATE TABLE "setups" ("id" SERIAL NOT NULL, "name" text NOT NULL, "paradigm" text NOT NULL, "crop_mode" text NOT NULL, "augment" boolean NOT NULL, CONSTRAINT "UQ_5780bd8c342cc9e21314a7d4881" UNIQUE ("name"), CONSTRAINT "PK_fa7f9bc52ca7dba2c34a51fad4d" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE TABLE "sweeps" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "screen_id" uuid NOT NULL, "profile" text NOT NULL, "config" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_07c638010e068c3d9759020a31a" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE TABLE "runs" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "sweep_id" uuid, "setup_id" integer NOT NULL, "screen_id" uuid NOT NULL, "status" text NOT NULL DEFAULT 'queued', "backend" text, "device" text, "config" jsonb NOT NULL DEFAULT '{}', "epochs_completed" integer NOT NULL DEFAULT '0', "resources" jsonb, "checkpoint_path" text, "error" text, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_46d6a1e257c38ba58f1a3c30836" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_runs_created" ON "runs" ("created_at", "id") `);
    await queryRunner.query(`CREATE INDEX "ix_runs_sweep" ON "runs" ("sweep_id") `);
    await queryRunner.query(`CREATE TABLE "embeddings" ("run_id" uuid NOT NULL, "image_id" integer NOT NULL, "dimensions" integer NOT NULL, "vector" bytea NOT NULL, CONSTRAINT "PK_dc6296e10f88bfe45bcf8ed6bab" PRIMARY KEY ("run_id", "image_id"))`);
    await queryRunner.query(`CREATE TABLE "evaluations" ("id" SERIAL NOT NULL, "run_id" uuid NOT NULL, "task" text NOT NULL, "cell_line_id" integer, "parameters" jsonb NOT NULL DEFAULT '{}', "result" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f683b433eba0e6dae7e19b29e29" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_evaluations_run_task" ON "evaluations" ("run_id", "task", "cell_line_id") `);
    await queryRunner.query(`CREATE TABLE "profiles" ("id" SERIAL NOT NULL, "run_id" uuid NOT NULL, "level" text NOT NULL, "normalization" text NOT NULL DEFAULT 'none', "cell_line_id" integer NOT NULL, "compound_id" integer NOT NULL, "concentration" double precision NOT NULL, "plate" text, "well" text, "image_count" integer NOT NULL, "dimensions" integer NOT NULL, "vector" bytea NOT NULL, CONSTRAINT "PK_8e520eb4da7dc01d0e190447c8e" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_profiles_lookup" ON "profiles" ("run_id", "level", "normalization", "compound_id", "cell_line_id", "concentration") `);
    await queryRunner.query(`CREATE TABLE "run_epochs" ("id" SERIAL NOT NULL, "run_id" uuid NOT NULL, "epoch" integer NOT NULL, "train_loss" double precision NOT NULL, "validation_loss" double precision, "wall_seconds" double precision NOT NULL, "cpu_seconds" double precision NOT NULL, "peak_rss_bytes" bigint NOT NULL, "peak_tensor_bytes" bigint NOT NULL, "gpu_memory_bytes" bigint, "images_seen" integer NOT NULL, "images_per_second" double precision NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_run_epochs_run_epoch" UNIQUE ("run_id", "epoch"), CONSTRAINT "PK_3a91d7177b6f7e62ede588b0bd5" PRIMARY KEY ("id"))`);
    await queryRunner.query(`ALTER TABLE "images" ADD CONSTRAINT "FK_21aafe30c1173d53b41e69180ff" FOREIGN KEY ("screen_id") REFERENCES "screens"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "images" ADD CONSTRAINT "FK_eed981387992e7ce35eff82b475" FOREIGN KEY ("cell_line_id") REFERENCES "cell_lines"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "images" ADD CONSTRAINT "FK_e8f24de0958bfd43147f8e074f3" FOREIGN KEY ("compound_id") REFERENCES "compounds"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "sweeps" ADD CONSTRAINT "FK_c3db9510c530aec0077be514b81" FOREIGN KEY ("screen_id") REFERENCES "screens"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "runs" ADD CONSTRAINT "FK_43acdee3a2cfe1568f0f78777b6" FOREIGN KEY ("sweep_id") REFERENCES "sweeps"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "runs" ADD CONSTRAINT "FK_93903294e0817c37cda639c27f6" FOREIGN KEY ("setup_id") REFERENCES "setups"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "runs" ADD CONSTRAINT "FK_a7860b7e7bd8f7945a9c0e6a32e" FOREIGN KEY ("screen_id") REFERENCES "screens"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "embeddings" ADD CONSTRAINT "FK_ef9d0ccde0a31a9309ecc918bb4" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "embeddings" ADD CONSTRAINT "FK_d97b82151b5196b75874eaaae42" FOREIGN KEY ("image_id") REFERENCES "images"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "evaluations" ADD CONSTRAINT "FK_1bf89707f17c8d90c5b817d0977" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "evaluations" ADD CONSTRAINT "FK_8424cfe23991833459c7d47795b" FOREIGN KEY ("cell_line_id") REFERENCES "cell_lines"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "profiles" ADD CONSTRAINT "FK_4b415a6f992c9f478f08b3bf2f9" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "profiles" ADD CONSTRAINT "FK_d7abb0dc1ee7c1c589d990bd587" FOREIGN KEY ("cell_line_id") REFERENCES "cell_lines"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "profiles" ADD CONSTRAINT "FK_62566359dd516c6523c54cff011" FOREIGN KEY ("compound_id") REFERENCES "compounds"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "run_epochs" ADD CONSTRAINT "FK_30a407d3a52cf2d17fcaeba90dd" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    // the 16 setups of the reference study: 4 paradigms x {one, multi} crop x {without, with} augmentation
    await queryRunner.query(`INSERT INTO "setups" ("name", "paradigm", "crop_mode", "augment") VALUES
      ('weakly-supervised/one-crop', 'weakly-supervised', 'one-crop', false),
      ('weakly-supervised/one-crop+aug', 'weakly-supervised', 'one-crop', true),
      ('weakly-supervised/multi-crop', 'weakly-supervised', 'multi-crop', false),
      ('weakly-supervised/multi-crop+aug', 'weakly-supervised', 'multi-crop', true),
      ('unsupervised/one-crop', 'unsupervised', 'one-crop', false),
      ('unsupervised/one-crop+aug', 'unsupervised', 'one-crop', true),
      ('unsupervised/multi-crop', 'unsupervised', 'multi-crop', false),
      ('unsupervised/multi-crop+aug', 'unsupervised', 'multi-crop', true),
      ('regularized/one-crop', 'regularized', 'one-crop', false),
      ('regularized/one-crop+aug', 'regularized', 'one-crop', true),
      ('regularized/multi-crop', 'regularized', 'multi-crop', false),
      ('regularized/multi-crop+aug', 'regularized', 'multi-crop', true),
      ('self-supervised/one-crop', 'self-supervised', 'one-crop', false),
      ('self-supervised/one-crop+aug', 'self-supervised', 'one-crop', true),
      ('self-supervised/multi-crop', 'self-supervised', 'multi-crop', false),
      ('self-supervised/multi-crop+aug', 'self-supervised', 'multi-crop', true)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "run_epochs" DROP CONSTRAINT "FK_30a407d3a52cf2d17fcaeba90dd"`);
    await queryRunner.query(`ALTER TABLE "profiles" DROP CONSTRAINT "FK_62566359dd516c6523c54cff011"`);
    await queryRunner.query(`ALTER TABLE "profiles" DROP CONSTRAINT "FK_d7abb0dc1ee7c1c589d990bd587"`);
    await queryRunner.query(`ALTER TABLE "profiles" DROP CONSTRAINT "FK_4b415a6f992c9f478f08b3bf2f9"`);
    await queryRunner.query(`ALTER TABLE "evaluations" DROP CONSTRAINT "FK_8424cfe23991833459c7d47795b"`);
    await queryRunner.query(`ALTER TABLE "evaluations" DROP CONSTRAINT "FK_1bf89707f17c8d90c5b817d0977"`);
    await queryRunner.query(`ALTER TABLE "embeddings" DROP CONSTRAINT "FK_d97b82151b5196b75874eaaae42"`);
    await queryRunner.query(`ALTER TABLE "embeddings" DROP CONSTRAINT "FK_ef9d0ccde0a31a9309ecc918bb4"`);
    await queryRunner.query(`ALTER TABLE "runs" DROP CONSTRAINT "FK_a7860b7e7bd8f7945a9c0e6a32e"`);
    await queryRunner.query(`ALTER TABLE "runs" DROP CONSTRAINT "FK_93903294e0817c37cda639c27f6"`);
    await queryRunner.query(`ALTER TABLE "runs" DROP CONSTRAINT "FK_43acdee3a2cfe1568f0f78777b6"`);
    await queryRunner.query(`ALTER TABLE "sweeps" DROP CONSTRAINT "FK_c3db9510c530aec0077be514b81"`);
    await queryRunner.query(`ALTER TABLE "images" DROP CONSTRAINT "FK_e8f24de0958bfd43147f8e074f3"`);
    await queryRunner.query(`ALTER TABLE "images" DROP CONSTRAINT "FK_eed981387992e7ce35eff82b475"`);
    await queryRunner.query(`ALTER TABLE "images" DROP CONSTRAINT "FK_21aafe30c1173d53b41e69180ff"`);
    await queryRunner.query(`DROP TABLE "run_epochs"`);
    await queryRunner.query(`DROP INDEX "public"."ix_profiles_lookup"`);
    await queryRunner.query(`DROP TABLE "profiles"`);
    await queryRunner.query(`DROP INDEX "public"."ix_evaluations_run_task"`);
    await queryRunner.query(`DROP TABLE "evaluations"`);
    await queryRunner.query(`DROP TABLE "embeddings"`);
    await queryRunner.query(`DROP INDEX "public"."ix_runs_sweep"`);
    await queryRunner.query(`DROP INDEX "public"."ix_runs_created"`);
    await queryRunner.query(`DROP TABLE "runs"`);
    await queryRunner.query(`DROP TABLE "sweeps"`);
    await queryRunner.query(`DROP TABLE "setups"`);
    await queryRunner.query(`DROP INDEX "public"."ix_images_screen_cell_line_compound"`);
    await queryRunner.query(`DROP INDEX "public"."ix_images_content_hash"`);
    await queryRunner.query(`DROP TABLE "images"`);
    await queryRunner.query(`DROP TABLE "screens"`);
    await queryRunner.query(`DROP TABLE "compounds"`);
    await queryRunner.query(`DROP TABLE "cell_lines"`);
    await queryRunner.query(`DROP TABLE "api_keys"`);
  }
}
