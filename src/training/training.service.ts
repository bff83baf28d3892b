import os from 'node:os';
import type { Logger } from 'pino';
import type { ChannelScreen } from '../data/channels/channel-image.reader';
import { GREY_CHANNELS } from '../data/channels/screen-channel';
import { streamCropBatches, type LabelledImage, type LabelledImageSource } from '../data/crops/crop-batch.streamer';
import { splitByPlate } from '../data/split.service';
import type { RunEntity } from '../db/entities/run.entity';
import type { EpochRecord, RunProgress, RunRepository } from '../db/repositories/run.repository';
import type { ImageColumns, TrainingImageRepository } from '../db/repositories/training-image.repository';
import { JobInterruptedError } from '../queue/job-interrupted.error';
import { SeededRandom } from '../util/seeded-random';
import { selectBackend, type BackendName } from './backend';
import { initialisationSeed, type BaselineService } from './baseline.service';
import type { CheckpointStore } from './checkpoint.store';
import { createParadigm, needsLabels } from './paradigms/create-paradigm';
import type { TrainableParadigm } from './paradigms/trainable-paradigm';
import { ResourceMeter, sumUsage } from './resource.meter';
import type { Paradigm, Strategy } from './setups';
import { tfMemoryProbe } from './tf-memory.probe';
import { disposeTrainingBatch, makeTrainingBatch, stepBatchOf, type CropRows } from './training-batch';
import { stoppingDecision } from './early-stopping';
import { drawEpochImages, validationSample } from './epoch-draw';
import { imagesPerEpoch, stoppingRuleOf, type TrainingConfig } from './training-profiles';
import { errorMessage } from '../util/error-text';
import type { TrainingRuntimeSetting } from '../config';
import type { OnnxTrainingStep } from './onnx/onnx-training-step';
import { openTrainingStep } from './training-runtime.selector';

export interface TrainingEnvironment {
  /** tfjs backend to use; 'auto' picks the best available */
  backend: BackendName | 'auto';
  /** wasm threads per worker process */
  threads?: number;
  /** what runs the steps: onnx, wasm, or auto (onnx where it loads and the paradigm has a graph); default wasm */
  runtime?: TrainingRuntimeSetting;
  /** where onnxruntime is loaded from: a test points it at a module that fails */
  onnxModule?: string;
}

const PROGRESS_INTERVAL_MS = 2000;
/** the validation sample of runs from before the setting */
const DEFAULT_VALIDATION_IMAGES = 128;

export type TrainOutcome = 'succeeded' | 'cancelled' | 'skipped';

/** The queue job a training runs in. */
export interface TrainingJob {
  jobId: string;
  signal: AbortSignal;
  logger: Logger;
}

/**
 * Trains one run: epoch by epoch from its last checkpoint, writing a checkpoint and an epoch
 * row after each. Safe to run twice: a finished or cancelled run is left alone, a resumed
 * run repeats no epoch.
 */
export class TrainingService {
  constructor(
    private readonly runs: RunRepository,
    private readonly images: TrainingImageRepository,
    private readonly checkpoints: CheckpointStore,
    private readonly baselines: BaselineService,
    private readonly environment: TrainingEnvironment,
  ) {}

  async train(runId: string, job: TrainingJob): Promise<TrainOutcome> {
    const run = await this.runs.byId(runId);
    if (!run || !['queued', 'running', 'failed'].includes(run.status)) return 'skipped';
    // a baseline learns nothing: its step only readies what embedding reads
    if (run.setup?.baseline) return this.baselines.prepare(run);
    const backend = await selectBackend({ backend: this.environment.backend, threads: this.environment.threads });
    if (!(await this.runs.start(runId, backend.backend, backend.device))) return 'skipped';
    try {
      return await this.trainEpochs(run, job);
    } catch (error) {
      if (!(error instanceof JobInterruptedError)) await this.runs.fail(runId, errorMessage(error));
      throw error;
    }
  }

  private async trainEpochs(run: RunEntity, job: TrainingJob): Promise<TrainOutcome> {
    const { logger } = job;
    const config = run.config as unknown as TrainingConfig;
    const paradigmName = run.setup!.paradigm as Paradigm;
    const strategy: Strategy = { crop: run.setup!.cropMode, augment: run.setup!.augment };
    // the split needs only the plates; what an epoch draws from is the training plates' ids and labels
    const split = splitByPlate((await this.images.platesOf(run.screenId)).map((plate) => ({ id: plate, plate })), { validationFraction: config.validationFraction, seed: config.seed });
    const trainImages = await this.images.columnsOn(run.screenId, split.trainPlates);
    const validationIds = validationSample((await this.images.columnsOn(run.screenId, split.validationPlates)).ids, config.validationImages ?? DEFAULT_VALIDATION_IMAGES, config.seed);
    const validationImages = await this.images.imagesByIds(run.screenId, validationIds);
    const screen: ChannelScreen = (await this.images.screenOf(run.screenId)) ?? { channels: GREY_CHANNELS };

    // seeded by the sweep's settings, not the run id: the same sweep trains the same weights
    const paradigm = createParadigm(paradigmName, { seed: initialisationSeed(config.seed), learningRate: config.learningRate, inputChannels: screen.channels.length });
    let native: OnnxTrainingStep | null = null;
    try {
      const checkpoint = await this.checkpoints.load(run.id);
      let random = new SeededRandom(`${config.seed}/${run.setup!.name}/epochs`);
      const finished: EpochRecord[] = await this.runs.epochs(run.id);
      if (checkpoint) {
        paradigm.importCheckpoint(checkpoint.paradigm);
        random = new SeededRandom(checkpoint.random);
        // killed after the checkpoint but before its epoch row: the checkpoint carries the row
        if (checkpoint.epochRecord && !finished.some((row) => row.epoch === checkpoint.epoch)) {
          await this.runs.recordEpoch(run.id, checkpoint.epochRecord);
          finished.push(checkpoint.epochRecord);
        }
        logger.info({ run: run.id, epoch: checkpoint.epoch }, 'resuming from checkpoint');
      }
      native = await this.openNative(run, paradigm, config, logger);
      const rule = stoppingRuleOf(config);
      if (checkpoint && rule.patience > 0) await this.checkpoints.markBest(run.id, stoppingDecision(finished, rule).bestEpoch);
      // a run killed after the epoch that stopped it trains no further one when resumed
      for (let epoch = (checkpoint?.epoch ?? 0) + 1; epoch <= config.epochs && !stoppingDecision(finished, rule).stop; epoch += 1) {
        const epochImages = this.epochSource(run.screenId, drawEpochImages(trainImages, imagesPerEpoch(config, paradigmName, strategy), needsLabels(paradigmName), random));
        const outcome = await this.trainEpoch(run, paradigm, native, { epoch, config, strategy, images: epochImages, validation: validationImages, screen, job });
        if (outcome === 'cancelled') return 'cancelled';
        const best = rule.patience > 0 && stoppingDecision([...finished, outcome], rule).bestEpoch === epoch;
        const path = await this.checkpoints.save(run.id, { epoch, paradigm: paradigm.exportCheckpoint(), random: random.state(), epochRecord: outcome }, { best });
        await this.runs.recordEpoch(run.id, outcome);
        await this.runs.setCheckpoint(run.id, path);
        finished.push(outcome);
        logger.info({ run: run.id, epoch, trainLoss: outcome.trainLoss, validationLoss: outcome.validationLoss, imagesPerSecond: Math.round(outcome.imagesPerSecond) }, 'epoch finished');
      }
      const { bestEpoch } = stoppingDecision(finished, rule);
      const stoppedEarly = finished.length < config.epochs;
      if (stoppedEarly) logger.info({ run: run.id, epochs: finished.length, bestEpoch }, 'stopped early: validation loss stopped improving');
      await this.runs.succeed(run.id, { ...sumUsage(finished), stoppedEarly, bestEpoch });
      return 'succeeded';
    } finally {
      await native?.release();
      paradigm.dispose();
    }
  }

  /** An epoch's drawn images, their rows read a batch at a time. */
  private epochSource(screenId: string, drawn: ImageColumns): LabelledImageSource {
    return { length: drawn.ids.length, read: (positions) => this.images.imagesByIds(screenId, Array.from(positions, (p) => drawn.ids[p])) };
  }

  /**
   * The onnxruntime step when the environment allows it (else null: tfjs trains), started from
   * the paradigm's weights and optimiser state; the run records which runtime trains it.
   */
  private async openNative(run: RunEntity, paradigm: TrainableParadigm, config: TrainingConfig, logger: Logger): Promise<OnnxTrainingStep | null> {
    const native = await openTrainingStep(paradigm.exportCheckpoint(), {
      runtime: this.environment.runtime ?? 'wasm',
      threads: this.environment.threads ?? os.availableParallelism(),
      learningRate: config.learningRate,
      batchRows: config.batchSize,
      onnxModule: this.environment.onnxModule,
      warn: (message) => logger.warn({ run: run.id }, message),
    });
    await this.runs.setTrainingRuntime(run.id, native ? 'onnx' : 'wasm', native ? native.device : null);
    return native;
  }

  private async trainEpoch(
    run: RunEntity,
    paradigm: TrainableParadigm,
    native: OnnxTrainingStep | null,
    work: { epoch: number; config: TrainingConfig; strategy: Strategy; images: LabelledImageSource; validation: LabelledImage[]; screen: ChannelScreen; job: TrainingJob },
  ): Promise<EpochRecord | 'cancelled'> {
    const { epoch, config, strategy, images, job } = work;
    const meter = new ResourceMeter(tfMemoryProbe);
    const batches = Math.ceil(images.length / config.batchSize);
    let lossSum = 0;
    let steps = 0;
    let lastProgress = 0;
    await this.reportProgress(run.id, job, { epoch, epochs: config.epochs, batch: 0, batches, fraction: (epoch - 1) / config.epochs });
    for await (const batch of streamCropBatches({ images, batchSize: config.batchSize, strategy, seed: config.seed, epoch, screen: work.screen })) {
      if (job.signal.aborted) throw new JobInterruptedError('run.train');
      lossSum += native ? (await native.train(stepBatchOf(paradigm.name, batch))).loss : trainOnTfjs(paradigm, batch);
      steps += 1;
      meter.sample(batch.images);
      if (Date.now() - lastProgress > PROGRESS_INTERVAL_MS || steps === batches) {
        lastProgress = Date.now();
        if ((await this.runs.status(run.id)) === 'cancelled') return 'cancelled';
        await this.reportProgress(run.id, job, { epoch, epochs: config.epochs, batch: steps, batches, fraction: (epoch - 1 + steps / batches) / config.epochs });
      }
    }
    // validation and the checkpoint read the tfjs paradigm: it takes the epoch's weights and optimiser state
    if (native) paradigm.importCheckpoint(native.exportCheckpoint());
    const usage = meter.usage();
    return { epoch, trainLoss: lossSum / Math.max(1, steps), validationLoss: await this.validationLoss(paradigm, work.validation, config, work.screen), ...usage };
  }

  /** Progress names the job and process too: which worker is training the run (worker liveness is the heartbeat's, src/pipeline). */
  private reportProgress(runId: string, job: TrainingJob, where: Omit<RunProgress, 'jobId' | 'worker' | 'updatedAt'>): Promise<void> {
    return this.runs.setProgress(runId, { ...where, jobId: job.jobId, worker: { host: os.hostname(), pid: process.pid }, updatedAt: new Date().toISOString() });
  }

  /** Loss on the validation sample of held-out plates, one fixed crop per image, no augmentation. */
  private async validationLoss(paradigm: TrainableParadigm, sample: LabelledImage[], config: TrainingConfig, screen: ChannelScreen): Promise<number | null> {
    if (sample.length === 0) return null;
    const strategy: Strategy = { crop: 'one-crop', augment: false };
    let total = 0;
    let count = 0;
    for await (const batch of streamCropBatches({ images: sample, batchSize: config.batchSize, strategy, seed: config.seed, epoch: 0, shuffle: false, screen })) {
      const tensors = makeTrainingBatch(paradigm.name, batch);
      try {
        total += paradigm.evaluate(tensors).loss * batch.images;
        count += batch.images;
      } finally {
        disposeTrainingBatch(tensors);
      }
    }
    return total / count;
  }
}

function trainOnTfjs(paradigm: TrainableParadigm, batch: CropRows): number {
  const tensors = makeTrainingBatch(paradigm.name, batch);
  try {
    return paradigm.trainStep(tensors).loss;
  } finally {
    disposeTrainingBatch(tensors);
  }
}
