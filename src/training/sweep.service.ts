import { checkedPage, isUuid } from '../catalog/page-request';
import type { RunEntity } from '../db/entities/run.entity';
import type { SweepEntity } from '../db/entities/sweep.entity';
import type { Page } from '../db/keyset-pagination';
import type { CatalogService } from '../catalog/catalog.service';
import type { RunRepository } from '../db/repositories/run.repository';
import type { SweepRepository } from '../db/repositories/sweep.repository';
import { BadUserInputError, NotFoundError } from '../errors/app-errors';
import { SETUP_BASELINES } from '../db/entities/setup.entity';
import { planSweepRuns } from './sweep.plan';
import { trainingConfig, type TrainingConfig } from './training-profiles';


/** The part of the job queue sweeps use. */
export interface RunJobSender {
  send(name: 'run.train', payload: { runId: string }, singletonKey?: string): Promise<string | null>;
}

export interface SweepRequest {
  /** screen id or name */
  screen: string;
  /** learned setup names, or undefined for all 16 */
  setups?: string[];
  profile: string;
  overrides?: Partial<TrainingConfig>;
  /** seeds each learned setup is trained with, 1 to 10; default 1 */
  replicates?: number;
}

/**
 * Sweeps: on one screen, one run per learned setup and replicate, plus the baselines (see
 * sweep.plan.ts), each run trained by a run.train job.
 */
export class SweepService {
  constructor(
    private readonly sweeps: SweepRepository,
    private readonly runs: RunRepository,
    private readonly catalog: CatalogService,
    private readonly maxPageSize: number,
    private readonly queue?: RunJobSender,
  ) {}

  async create(request: SweepRequest): Promise<{ sweep: SweepEntity; runs: RunEntity[] }> {
    const screen = await this.catalog.screen(request.screen);
    if (screen.imageCount === 0) throw new BadUserInputError(`screen ${screen.name} has no images`, 'screen');
    const setups = request.setups === undefined ? await this.sweeps.allSetups() : await this.sweeps.setupsByName(request.setups);
    if (request.setups !== undefined) {
      const unknown = request.setups.filter((name) => !setups.some((setup) => setup.name === name));
      if (unknown.length > 0 || request.setups.length === 0) {
        throw new BadUserInputError(`unknown setup(s): ${unknown.join(', ') || '(none given)'}; setups are named like "self-supervised/multi-crop+aug"`, 'setups');
      }
    }
    const config = trainingConfig(request.profile, request.overrides);
    const replicates = request.replicates ?? 1;
    const planned = planSweepRuns(setups, await this.sweeps.baselineSetups(SETUP_BASELINES), config, replicates);
    const created = await this.sweeps.create(
      { screenId: screen.id, profile: request.profile, config: { ...config }, replicates },
      planned.map((run) => ({ setup: run.setup, replicate: run.replicate, config: { ...run.config } })),
    );
    for (const run of created.runs) await this.enqueue(run.id);
    return created;
  }

  async cancelRun(id: string): Promise<RunEntity> {
    const run = isUuid(id) ? await this.runs.byId(id) : null;
    if (!run) throw new NotFoundError('run', id);
    if (!(await this.runs.cancel(id))) throw new BadUserInputError(`run ${id} is ${run.status}: only queued or running runs can be cancelled`, 'id');
    return (await this.runs.byId(id))!;
  }

  async byId(id: string): Promise<SweepEntity> {
    const sweep = isUuid(id) ? await this.sweeps.byId(id) : null;
    if (!sweep) throw new NotFoundError('sweep', id);
    return sweep;
  }

  /** `screen`: id or name. */
  async list(page: { first: number; after?: string | null }, screen?: string): Promise<Page<SweepEntity>> {
    const checked = checkedPage(page, this.maxPageSize);
    return this.sweeps.list(checked, await this.catalog.screenIdOf(screen));
  }

  statusCounts(sweepId: string): Promise<Record<string, number>> {
    return this.sweeps.statusCounts(sweepId);
  }

  statusCountsOfSweeps(sweepIds: readonly string[]): Promise<Array<Record<string, number>>> {
    return this.sweeps.statusCountsOfSweeps(sweepIds);
  }

  private async enqueue(runId: string): Promise<void> {
    await this.requireQueue().send('run.train', { runId }, runId);
  }

  private requireQueue(): RunJobSender {
    if (!this.queue) throw new Error('this process has no job queue to send run.train to');
    return this.queue;
  }

}
