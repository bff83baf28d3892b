import { readChannelImage } from '../data/channels/channel-image.reader';
import type { RunEntity } from '../db/entities/run.entity';
import type { EmbeddingRepository, EmbeddingRow } from '../db/repositories/embedding.repository';
import type { RunRepository } from '../db/repositories/run.repository';
import { JobInterruptedError } from '../queue/job-interrupted.error';
import { mapConcurrently } from '../util/map-concurrently';
import { classicalFeatureSpecs, extractChannelFeatures } from './classical/channel-features';
import { GroupStandardizer } from './classical/classical-features';
import type { EmbedJob, EmbedOutcome } from './embedding.service';
import type { ProfileService } from './profile.service';

/** What the run's embedding set records as its runtime and settings. */
export const CLASSICAL_RUNTIME = 'classical';

const DECODE_CONCURRENCY = 4;
const IMAGES_PER_STEP = 64;
const WRITE_EVERY = 1024;

/**
 * baseline/classical's embedding: the hand-crafted features of every image at full resolution
 * (embedding/classical), z-scored per cell line, written as the run's embeddings and profiled
 * like any run's. Two passes: the first extracts every image's raw features and accumulates its
 * cell line's moments, the second standardises and writes. Between them the raw features are
 * held (48 floats an image and channel, 1/40 of a learned embedding) rather than the
 * images decoded twice. Safe to run twice, as EmbeddingService's embedRun.
 */
export class ClassicalEmbeddingService {
  constructor(
    private readonly runs: RunRepository,
    private readonly embeddings: EmbeddingRepository,
    private readonly profiles: ProfileService,
  ) {}

  async embedRun(run: RunEntity, job: EmbedJob): Promise<EmbedOutcome> {
    const started = performance.now();
    const size = await this.embeddings.screenShape(run.screenId);
    const dim = classicalFeatureSpecs(size.channels).length;
    await this.embeddings.begin(run.id, dim, { features: 'classical', standardized: 'per cell line', runtime: CLASSICAL_RUNTIME });

    const raw = new Float32Array(size.images * dim);
    const standardizer = new GroupStandardizer(dim);
    let offset = 0;
    for await (const page of this.embeddings.imagePagesOf(run.screenId)) {
      for (let start = 0; start < page.length; start += IMAGES_PER_STEP) {
        if (job.signal.aborted) throw new JobInterruptedError('run.embed');
        const step = page.slice(start, start + IMAGES_PER_STEP);
        const features = await mapConcurrently(step, DECODE_CONCURRENCY, async (image) => extractChannelFeatures(await readChannelImage('/', image, image.screen), image.screen.channels));
        features.forEach((row, i) => {
          raw.set(row, (offset + i) * dim);
          standardizer.accumulate(String(step[i].cellLineId), row);
        });
        offset += step.length;
      }
    }

    let embedded = 0;
    let pending: EmbeddingRow[] = [];
    for await (const page of this.embeddings.imagePagesOf(run.screenId)) {
      for (const image of page) {
        const vector = standardizer.standardize(String(image.cellLineId), raw.subarray(embedded * dim, (embedded + 1) * dim));
        embedded += 1;
        pending.push({ imageId: image.id, vector });
        if (pending.length >= WRITE_EVERY) {
          if (job.signal.aborted) throw new JobInterruptedError('run.embed');
          await this.embeddings.write(run.id, pending);
          pending = [];
        }
      }
    }
    await this.embeddings.write(run.id, pending);
    const profiles = await this.profiles.rebuild(run.id);
    const generation = await this.embeddings.complete(run.id, run.screenId);
    await this.runs.setEmbeddingRuntime(run.id, CLASSICAL_RUNTIME);
    return { status: 'succeeded', images: embedded, tiles: 0, generation, profiles, seconds: (performance.now() - started) / 1000, runtime: CLASSICAL_RUNTIME };
  }
}
