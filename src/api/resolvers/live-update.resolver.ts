import { Arg, ID, Resolver, Root, Subscription, type ResolverData } from 'type-graphql';
import type { FinishedEvaluation, RunUpdate as RunUpdateEvent, SweepUpdate as SweepUpdateEvent } from '../../live/live-update.service';
import type { RequestContext } from '../context';
import { EvaluationFinished, RunUpdate, SweepUpdate } from '../types/live-update.types';
import { progressOf } from './run.resolver';

type SubscribeData = Omit<ResolverData<RequestContext>, 'root'> & { args: Record<string, string | null | undefined> };

/**
 * Live updates over WebSocket (graphql-ws, on /graphql). Each subscription starts from now:
 * query the current state first, then apply the updates.
 */
@Resolver()
export class LiveUpdateResolver {
  @Subscription(() => RunUpdate, {
    description: 'Status, finished epochs, progress and failure of one run or of every run of a sweep: give exactly one of sweep and run',
    subscribe: ({ args, context }: SubscribeData) => context.services.live.runUpdates({ sweep: args.sweep, run: args.run }),
  })
  runUpdated(
    @Root() update: RunUpdateEvent,
    @Arg('sweep', () => ID, { nullable: true }) _sweep: string | undefined,
    @Arg('run', () => ID, { nullable: true }) _run: string | undefined,
  ) {
    const { run, epoch, change } = update;
    return { change, run, status: run.status, epochsCompleted: run.epochsCompleted, epoch, progress: progressOf(run), error: run.error };
  }

  @Subscription(() => SweepUpdate, {
    description: "The sweep's runs counted by status, each time one of them changes status",
    subscribe: ({ args, context }: SubscribeData) => context.services.live.sweepUpdates(args.id ?? ''),
  })
  sweepUpdated(@Root() update: SweepUpdateEvent, @Arg('id', () => ID) _id: string) {
    return { sweep: update.sweep, statusCounts: Object.entries(update.statusCounts).map(([status, count]) => ({ status, count })) };
  }

  @Subscription(() => EvaluationFinished, {
    description: "Each time the run's evaluation results are written: the run and the tasks written",
    subscribe: ({ args, context }: SubscribeData) => context.services.live.evaluationsFinished(args.run ?? ''),
  })
  evaluationFinished(@Root() finished: FinishedEvaluation, @Arg('run', () => ID) _run: string) {
    return finished;
  }
}
