import { Arg, Args, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../context';
import { PageArgs } from '../page.args';
import { CellLineConnection, CompoundConnection, Screen, ScreenConnection, SetupConnection } from '../types/catalog.types';
import { toConnection } from '../types/connection.type';

@Resolver()
export class CatalogResolver {
  @Query(() => ScreenConnection)
  async screens(@Args(() => PageArgs) page: PageArgs, @Ctx() { services }: RequestContext) {
    return toConnection(await services.catalog.screens(page), (screen) => screen);
  }

  @Query(() => Screen)
  async screen(@Arg('id', () => ID, { description: 'screen id or name' }) id: string, @Ctx() { services }: RequestContext) {
    return services.catalog.screen(id);
  }

  @Query(() => CellLineConnection)
  async cellLines(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('screen', () => ID, { nullable: true, description: 'only cell lines imaged in this screen (id or name)' }) screen: string | undefined,
    @Ctx() { services }: RequestContext,
  ) {
    return toConnection(await services.catalog.cellLines(page, screen ?? undefined), (cellLine) => cellLine);
  }

  @Query(() => CompoundConnection)
  async compounds(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('screen', () => ID, { nullable: true, description: 'only compounds used in this screen (id or name)' }) screen: string | undefined,
    @Arg('moa', () => String, { nullable: true, description: 'only compounds with this mechanism of action' }) moa: string | undefined,
    @Ctx() { services }: RequestContext,
  ) {
    return toConnection(await services.catalog.compounds(page, { screen: screen ?? undefined, moa: moa ?? undefined }), (compound) => compound);
  }

  @Query(() => SetupConnection)
  async setups(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('includeBaselines', () => Boolean, { defaultValue: false, description: 'also list the baselines every sweep runs; left out, the 16 learned setups a sweep can choose from' }) includeBaselines: boolean,
    @Ctx() { services }: RequestContext,
  ) {
    return toConnection(await services.catalog.setups(page, includeBaselines), (setup) => setup);
  }
}
