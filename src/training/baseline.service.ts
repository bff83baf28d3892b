import type { RunEntity } from '../db/entities/run.entity';
import type { RunRepository } from '../db/repositories/run.repository';
import { JobInterruptedError } from '../queue/job-interrupted.error';
import { errorMessage } from '../util/error-text';
import { SeededRandom } from '../util/seeded-random';
import { selectBackend } from './backend';
import type { CheckpointStore } from './checkpoint.store';
import { createParadigm } from './paradigms/create-paradigm';
import { ResourceMeter } from './resource.meter';
import type { Paradigm } from './setups';
import { tfMemoryProbe } from './tf-memory.probe';
import type { TrainingConfig } from './training-profiles';
import type { TrainingEnvironment, TrainOutcome } from './training.service';

/**
 * The paradigm whose checkpoint carries the untrained encoder. Every paradigm draws its encoder's
 * weights first from the same seeded stream, so the encoder is the same whichever carries it; the
 * autoencoder's decoder (~25k weights) is the smallest thing to carry beside it (the classifier
 * head has ~525k).
 */
export const UNTRAINED_CARRIER: Paradigm = 'unsupervised';

/**
 * The run.train step of the baseline runs, which learn nothing. baseline/untrained: the encoder
 * at its seeded initialisation (the replicate's seed, from which every learned run of the
 * replicate starts too), written as an epoch-0 checkpoint that embedding reads like any other; no epoch
 * rows. baseline/classical: marked succeeded with no checkpoint; its embedding computes the
 * features (embedding/classical-embedding.service.ts). Safe to run twice: a finished run is left
 * alone, and the checkpoint is the same.
 */
export class BaselineService {
  constructor(
    private readonly runs: RunRepository,
    private readonly checkpoints: CheckpointStore,
    private readonly environment: TrainingEnvironment,
  ) {}

  async prepare(run: RunEntity): Promise<TrainOutcome> {
    const baseline = run.setup?.baseline;
    if (!baseline) throw new Error(`run ${run.id} is not a baseline run (setup ${run.setup?.name})`);
    // the classical features need no network, so no tfjs backend either
    const backend = baseline === 'untrained' ? await selectBackend({ backend: this.environment.backend, threads: this.environment.threads }) : null;
    if (!(await this.runs.start(run.id, backend?.backend ?? null, backend?.device ?? null))) return 'skipped';
    try {
      if (baseline === 'untrained') await this.writeInitialEncoder(run);
      else await this.runs.succeed(run.id, { ...new ResourceMeter(tfMemoryProbe).usage(), stoppedEarly: false, bestEpoch: 0 });
      return 'succeeded';
    } catch (error) {
      if (!(error instanceof JobInterruptedError)) await this.runs.fail(run.id, errorMessage(error));
      throw error;
    }
  }

  private async writeInitialEncoder(run: RunEntity): Promise<void> {
    const config = run.config as unknown as TrainingConfig;
    const meter = new ResourceMeter(tfMemoryProbe);
    const paradigm = createParadigm(UNTRAINED_CARRIER, { seed: initialisationSeed(config.seed), inputChannels: run.screen?.channels.length ?? 1 });
    try {
      const path = await this.checkpoints.save(run.id, { epoch: 0, paradigm: paradigm.exportCheckpoint(), random: new SeededRandom(`${config.seed}/${run.setup!.name}/epochs`).state() });
      await this.runs.setCheckpoint(run.id, path);
    } finally {
      paradigm.dispose();
    }
    await this.runs.succeed(run.id, { ...meter.usage(), stoppedEarly: false, bestEpoch: 0 });
  }
}

/**
 * The seed a run's encoder is initialised from: its sweep replicate's seed alone. Every setup of
 * a replicate, and its baseline/untrained, start from the same encoder weights, so that
 * "beats untrained" compares a setup with its own starting point. Seeded by setup, each setup
 * started from a draw of its own, and those draws alone spread the top-dose ROC-AUC of untrained
 * encoders over 0.655-0.83 on one demo screen: more than quick training moved it.
 */
export function initialisationSeed(seed: number): string {
  return `${seed}/encoder`;
}
