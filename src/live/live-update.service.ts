import { createPubSub, Repeater } from '@graphql-yoga/subscription';
import type { ChangeEvent, RunChangeKind } from '../db/change-notifications';
import type { ChangeSink } from '../db/change.listener';
import type { RunEpochEntity } from '../db/entities/run-epoch.entity';
import type { RunEntity } from '../db/entities/run.entity';
import type { SweepEntity } from '../db/entities/sweep.entity';
import type { RunRepository } from '../db/repositories/run.repository';
import { BadUserInputError } from '../errors/app-errors';
import { TASK_NAMES, type TaskName } from '../evaluation/tasks/task.registry';
import type { RunService } from '../training/run.service';
import type { SweepService } from '../training/sweep.service';

/** A change as this process hears it: one announced by a repository, or word to re-read everything. */
export type LiveSignal = ChangeEvent | { kind: 'resync' };

/** What a runUpdated subscriber receives: the run as it is now; `epoch` is the row just recorded. */
export interface RunUpdate {
  change: RunChangeKind | 'resync';
  run: RunEntity;
  epoch: RunEpochEntity | null;
}

export interface SweepUpdate {
  sweep: SweepEntity;
  statusCounts: Record<string, number>;
}

export interface FinishedEvaluation {
  run: RunEntity;
  tasks: TaskName[];
}

/**
 * Live updates for subscriptions. Changes arrive as signals (from the database listener, see
 * src/db/change.listener.ts) on a PubSub; each subscription keeps those about its run or sweep
 * and re-reads the rows, one signal after the other, so its updates leave in the order the
 * changes were committed. A `resync` (the listener reconnected, changes may have been missed)
 * makes runUpdated and sweepUpdated send the current state of what they watch.
 */
export class LiveUpdateService implements ChangeSink {
  private readonly pubSub = createPubSub<{ change: [LiveSignal] }>();

  constructor(
    private readonly runRows: RunRepository,
    private readonly runs: RunService,
    private readonly sweeps: SweepService,
  ) {}

  change(event: ChangeEvent): void {
    this.pubSub.publish('change', event);
  }

  reconnected(): void {
    this.pubSub.publish('change', { kind: 'resync' });
  }

  /** Updates of one run, or of every run of a sweep: exactly one of the two; NOT_FOUND for an unknown id. */
  async runUpdates(target: { sweep?: string | null; run?: string | null }): Promise<AsyncIterable<RunUpdate>> {
    const hasSweep = target.sweep !== undefined && target.sweep !== null;
    const hasRun = target.run !== undefined && target.run !== null;
    if (hasSweep === hasRun) throw new BadUserInputError('give exactly one of sweep and run', hasSweep ? 'run' : 'sweep');
    const watched = hasRun ? { run: (await this.runs.byId(target.run!)).id } : { sweep: (await this.sweeps.byId(target.sweep!)).id };
    return this.stream(async (signal): Promise<RunUpdate[]> => {
      if (signal.kind === 'resync') {
        const current = watched.run ? [await this.runs.byId(watched.run)] : await this.runRows.bySweep(watched.sweep!);
        return current.map((run) => ({ change: 'resync', run, epoch: null }));
      }
      if (signal.kind !== 'run' || (watched.run ? signal.run !== watched.run : signal.sweep !== watched.sweep)) return [];
      const run = await this.runRows.byId(signal.run);
      if (!run) return [];
      const epoch = signal.change === 'epoch' && signal.epoch !== undefined ? await this.runRows.epoch(run.id, signal.epoch) : null;
      return [{ change: signal.change, run, epoch }];
    });
  }

  /** A sweep's status counts, each time one of its runs changes status. */
  async sweepUpdates(id: string): Promise<AsyncIterable<SweepUpdate>> {
    const sweep = await this.sweeps.byId(id);
    return this.stream(async (signal): Promise<SweepUpdate[]> => {
      const relevant = signal.kind === 'resync' || (signal.kind === 'run' && signal.change === 'status' && signal.sweep === sweep.id);
      return relevant ? [{ sweep, statusCounts: await this.sweeps.statusCounts(sweep.id) }] : [];
    });
  }

  /** Each time evaluation results of the run are written: the run and the tasks written. */
  async evaluationsFinished(runId: string): Promise<AsyncIterable<FinishedEvaluation>> {
    const { id } = await this.runs.byId(runId);
    return this.stream(async (signal): Promise<FinishedEvaluation[]> => {
      if (signal.kind !== 'evaluation' || signal.run !== id) return [];
      const tasks = TASK_NAMES.filter((name) => signal.tasks.includes(name));
      return [{ run: await this.runs.byId(id), tasks }];
    });
  }

  /** Signals from now on, each turned into updates in order; ends when the subscriber leaves. */
  private stream<Update>(updatesFor: (signal: LiveSignal) => Promise<Update[]>): AsyncIterable<Update> {
    return new Repeater<Update>(async (push, stop) => {
      const signals = this.pubSub.subscribe('change');
      void stop.then(() => signals.return?.());
      for await (const signal of signals) {
        for (const update of await updatesFor(signal)) await push(update);
      }
    });
  }
}
