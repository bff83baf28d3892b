import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { RunEntity } from '../../db/entities/run.entity';
import type { RequestContext } from '../context';
import { PageArgs } from '../page.args';
import { toConnection } from '../types/connection.type';
import { BaselineEnum, Screen, Setup } from '../types/catalog.types';
import { OnnxModel, Run, RunConnection, RunStatusValue } from '../types/run.types';
import { RunEpoch, RunProgress } from '../types/sweep.types';

@Resolver(() => Run)
export class RunResolver {
  @Query(() => RunConnection)
  async runs(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('sweep', () => ID, { nullable: true, description: 'sweep id (sweeps have no names)' }) sweep: string | undefined,
    @Arg('screen', () => ID, { nullable: true, description: 'screen id or name' }) screen: string | undefined,
    @Arg('status', () => RunStatusValue, { nullable: true }) status: RunStatusValue | undefined,
    @Ctx() { services }: RequestContext,
  ) {
    const filter = { sweep: sweep ?? undefined, screen: screen ?? undefined, status: status ?? undefined };
    return toConnection(await services.runs.list(page, filter), (run) => run);
  }

  @Query(() => Run)
  async run(@Arg('id', () => ID) id: string, @Ctx() { services }: RequestContext) {
    return services.runs.byId(id);
  }

  @FieldResolver(() => BaselineEnum, { nullable: true, description: "the baseline the run is (its setup's); null for a learned setup's run" })
  async baseline(@Root() run: RunEntity, @Ctx() { loaders }: RequestContext) {
    return (run.setup ?? (await loaders.setups.load(run.setupId))).baseline;
  }

  @FieldResolver(() => [RunEpoch], { description: 'finished epochs, in order, each with its resources' })
  async epochs(@Root() run: RunEntity, @Ctx() { loaders }: RequestContext) {
    return loaders.runEpochs.load(run.id);
  }

  // a page of runs joins its setups and screens; runs made by a mutation come without them
  @FieldResolver(() => Setup)
  async setup(@Root() run: RunEntity, @Ctx() { loaders }: RequestContext) {
    return run.setup ?? loaders.setups.load(run.setupId);
  }

  @FieldResolver(() => Screen)
  async screen(@Root() run: RunEntity, @Ctx() { loaders }: RequestContext) {
    return run.screen ?? loaders.screens.load(run.screenId);
  }

  @FieldResolver(() => OnnxModel, { nullable: true, description: 'the encoder as ONNX (written at its first embedding or by `morphospace export-model`); null when absent' })
  async onnxModel(@Root() run: RunEntity, @Ctx() { services }: RequestContext) {
    return services.encoderExport.info(run.id);
  }

  @FieldResolver(() => RunProgress, { nullable: true, description: 'null before training starts' })
  progress(@Root() run: RunEntity) {
    return progressOf(run);
  }
}

/**
 * The run's stored progress as the API shows it; null before training starts, and for a
 * baseline run, which trains no epoch (finishing sets only its fraction).
 */
export function progressOf(run: RunEntity): RunProgress | null {
  return typeof run.progress?.epoch === 'number' ? { ...(run.progress as unknown as RunProgress), updatedAt: new Date(String(run.progress.updatedAt)) } : null;
}
