import type { RunEntity } from '../../db/entities/run.entity';
import type { RunRepository } from '../../db/repositories/run.repository';
import { BadUserInputError, NotFoundError } from '../../errors/app-errors';
import type { CheckpointStore, RunCheckpoint } from '../../training/checkpoint.store';
import type { TrainingConfig } from '../../training/training-profiles';
import { isUuid } from '../../catalog/page-request';
import { tileSettingsOf } from '../tile.plan';
import type { EncoderSource } from '../encoders/tile-encoder.selector';
import { buildEncoderOnnx } from './encoder-onnx.builder';
import type { OnnxModelInfo, OnnxModelStore } from './onnx-model.store';

/**
 * Every trained encoder as an ONNX file: built from the run's latest checkpoint the first time
 * it is needed (the first embed, or `morphospace export-model`), and again when the run has a
 * newer checkpoint than the stored model.
 */
export class EncoderExportService {
  constructor(
    private readonly runs: RunRepository,
    private readonly checkpoints: CheckpointStore,
    private readonly models: OnnxModelStore,
  ) {}

  info(runId: string): Promise<OnnxModelInfo | null> {
    return this.models.info(runId);
  }

  /** The run's encoder at this checkpoint, in the forms tile-encoder.selector.ts opens. */
  sourceOf(run: RunEntity, checkpoint: RunCheckpoint): EncoderSource {
    // the checkpoint names the paradigm whose weights it holds (a baseline's setup has none of its own)
    return { paradigm: checkpoint.paradigm.paradigm, weights: checkpoint.paradigm.weights, onnxModel: () => this.modelOf(run, checkpoint) };
  }

  /** The model of this checkpoint of the run, written beside it when not stored yet. */
  async modelOf(run: RunEntity, checkpoint: RunCheckpoint): Promise<Uint8Array> {
    const stored = await this.models.read(run.id, checkpoint.epoch);
    if (stored) return stored;
    const tiles = tileSettingsOf((run.config as Partial<TrainingConfig>).embedTileSize);
    const model = buildEncoderOnnx(checkpoint.paradigm.weights, {
      runId: run.id,
      paradigm: checkpoint.paradigm.paradigm,
      epoch: checkpoint.epoch,
      tileSize: tiles.tileSize,
      aggregation: tiles.aggregation,
    });
    await this.models.write(run.id, model, checkpoint.epoch);
    return model;
  }

  /** `morphospace export-model`: the run's model and its record; an unknown run or one without weights is bad input. */
  async export(runId: string): Promise<{ model: Uint8Array; info: OnnxModelInfo }> {
    const run = isUuid(runId) ? await this.runs.byId(runId) : null;
    if (!run) throw new NotFoundError('run', runId);
    if (run.setup?.baseline === 'classical') throw new BadUserInputError(`run ${run.id} is baseline/classical: its embeddings are hand-crafted image features, there is no encoder to export`, 'run');
    const checkpoint = await this.checkpoints.load(run.id, 'best');
    if (!checkpoint) throw new BadUserInputError(`run ${run.id} has no checkpoint yet (status ${run.status}): nothing to export`, 'run');
    const model = await this.modelOf(run, checkpoint);
    const info = await this.models.info(run.id);
    if (!info) throw new Error(`the ONNX model of run ${run.id} was written but cannot be read back`);
    return { model, info };
  }
}
