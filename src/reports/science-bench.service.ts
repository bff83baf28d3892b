import type { ComparisonRepository } from '../db/repositories/comparison.repository';
import type { ScreenImportService } from '../data/screen-import.service';
import type { SweepService } from '../training/sweep.service';
import type { TrainingConfig } from '../training/training-profiles';
import type { ComparisonService } from './comparison.service';
import { summarise } from './demo.service';
import { scienceFigures, type ScienceFigures } from './science-figures';

export interface ScienceBenchRequest {
  preset: string;
  /** the screen's generation seed (the training seed is the profile's) */
  seed: number;
  profile: string;
  /** setup names; undefined = every setup a sweep runs */
  setups?: string[];
  overrides?: Partial<TrainingConfig>;
}

/** A run's figures and what its training cost (CPU time is the fair figure on a shared machine). */
export interface ScienceBenchRow extends ScienceFigures {
  trainWallSeconds: number;
  trainCpuSeconds: number;
}

export interface ScienceBenchResult {
  sweepId: string;
  figures: ScienceBenchRow[];
  /** runs that failed or were cancelled (their figures are null) */
  failed: string[];
  /** generating and registering the screen */
  generateSeconds: number;
  /** from the sweep's creation until every run is evaluated or failed */
  sweepSeconds: number;
}

/**
 * `bench science`: does a sweep recover the biology planted in a synthetic screen? Generates
 * the screen, queues the sweep through the real pipeline (whoever works the queue trains,
 * embeds and evaluates), waits for every run, then reads each setup's headline figures off the
 * sweep's comparison report.
 */
export class ScienceBenchService {
  constructor(
    private readonly screens: ScreenImportService,
    private readonly sweeps: SweepService,
    private readonly comparison: ComparisonRepository,
    private readonly reports: ComparisonService,
  ) {}

  async run(request: ScienceBenchRequest, options: { print?: (line: string) => void; intervalMs?: number; signal?: AbortSignal } = {}): Promise<ScienceBenchResult> {
    const print = options.print ?? (() => undefined);
    const generating = performance.now();
    const { screen } = await this.screens.generateAndRegister({ preset: request.preset, seed: request.seed, name: `${request.preset}-seed-${request.seed}` });
    const generateSeconds = elapsed(generating);
    print(`screen ${screen.name}: ${screen.imageCount} images in ${Math.round(generateSeconds)} s`);
    const started = performance.now();
    const { sweep, runs } = await this.sweeps.create({ screen: screen.id, setups: request.setups, profile: request.profile, overrides: request.overrides });
    print(`sweep ${sweep.id}: ${runs.length} runs, profile ${request.profile} ${JSON.stringify(sweep.config)}`);
    await this.waitUntilFinished(sweep.id, print, options.intervalMs ?? 2000, options.signal);
    const sweepSeconds = elapsed(started);
    const compared = await this.comparison.runsOfSweep(sweep.id);
    const report = await this.reports.report(sweep.id);
    const epochs = await this.comparison.epochsOf(compared.map((run) => run.id));
    const figures = scienceFigures(report).map((row, index) => {
      const runIds = new Set(report.rows[index].runIds);
      const ofSetup = epochs.filter((epoch) => runIds.has(epoch.runId));
      return { ...row, trainWallSeconds: sum(ofSetup.map((epoch) => epoch.wallSeconds)), trainCpuSeconds: sum(ofSetup.map((epoch) => epoch.cpuSeconds)) };
    });
    return {
      sweepId: sweep.id,
      figures,
      failed: compared.filter((run) => run.status === 'failed' || run.status === 'cancelled').map((run) => run.setup),
      generateSeconds,
      sweepSeconds,
    };
  }

  private async waitUntilFinished(sweepId: string, print: (line: string) => void, intervalMs: number, signal: AbortSignal | undefined): Promise<void> {
    let last = '';
    for (;;) {
      signal?.throwIfAborted();
      const progress = summarise(await this.comparison.stagesOfSweep(sweepId));
      const line = `trained ${progress.trained}/${progress.total}, embedded ${progress.embedded}, evaluated ${progress.evaluated}, failed ${progress.failed}`;
      if (line !== last) print(line);
      last = line;
      if (progress.done) return;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function elapsed(since: number): number {
  return (performance.now() - since) / 1000;
}
