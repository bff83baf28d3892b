import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { SweepEntity } from '../../db/entities/sweep.entity';
import type { RequestContext } from '../context';
import { PageArgs } from '../page.args';
import { toConnection } from '../types/connection.type';
import { Screen } from '../types/catalog.types';
import { Run } from '../types/run.types';
import { CreatedSweep, Sweep, SweepConnection, SweepStatusCount, TrainingOverrides } from '../types/sweep.types';

@Resolver(() => Sweep)
export class SweepResolver {
  @Query(() => SweepConnection)
  async sweeps(@Args(() => PageArgs) page: PageArgs, @Arg('screen', () => ID, { nullable: true, description: 'screen id or name' }) screen: string | undefined, @Ctx() { services }: RequestContext) {
    return toConnection(await services.sweeps.list(page, screen ?? undefined), (sweep) => sweep);
  }

  @Query(() => Sweep)
  async sweep(@Arg('id', () => ID) id: string, @Ctx() { services }: RequestContext) {
    return services.sweeps.byId(id);
  }

  @FieldResolver(() => [SweepStatusCount], { description: 'how many of its runs are in each status' })
  async statusCounts(@Root() sweep: SweepEntity, @Ctx() { loaders }: RequestContext) {
    const counts = await loaders.sweepStatusCounts.load(sweep.id);
    return Object.entries(counts).map(([status, count]) => ({ status, count }));
  }

  // a page of sweeps joins its screens; the sweep createSweep made comes without
  @FieldResolver(() => Screen)
  async screen(@Root() sweep: SweepEntity, @Ctx() { loaders }: RequestContext) {
    return sweep.screen ?? loaders.screens.load(sweep.screenId);
  }

  @Authorized('writer')
  @Mutation(() => CreatedSweep, { description: 'Creates one run per setup and replicate, plus the baseline runs, and queues their training' })
  async createSweep(
    @Arg('screen', () => String, { description: 'screen id or name' }) screen: string,
    @Arg('setups', () => [String], { nullable: true, description: 'learned setup names; all 16 when left out (the baselines come with every sweep)' }) setups: string[] | undefined,
    @Arg('profile', () => String, { defaultValue: 'quick', description: 'quick, standard or paper' }) profile: string,
    @Arg('overrides', () => TrainingOverrides, { nullable: true }) overrides: TrainingOverrides | undefined,
    @Arg('replicates', () => Int, { nullable: true, description: 'seeds per learned setup, 1 to 10; default 1' }) replicates: number | undefined,
    @Ctx() { services }: RequestContext,
  ) {
    return services.sweeps.create({ screen, setups: setups ?? undefined, profile, overrides: { ...overrides }, replicates: replicates ?? undefined });
  }

  @Authorized('writer')
  @Mutation(() => Run, { description: 'Stops a queued or running run; its last checkpoint stays' })
  async cancelRun(@Arg('id', () => ID) id: string, @Ctx() { services }: RequestContext) {
    return services.sweeps.cancelRun(id);
  }
}
