import { Arg, Authorized, Ctx, Int, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../context';
import { GenerateScreenJob, ImportResult } from '../types/screen-import.types';

@Resolver()
export class ScreenResolver {
  @Authorized('writer')
  @Mutation(() => ImportResult, {
    description:
      'Imports a screen from a manifest CSV or from image file names (paths on the server, below the import roots: MORPHOSPACE_IMPORT_ROOTS, by default <data dir>/imports; symlinks are followed and must stay below them too). Every row and image is checked first; any problem refuses the import (BAD_USER_INPUT, extensions.problems) unless skipInvalid',
  })
  async importScreen(
    @Arg('name', () => String) name: string,
    @Arg('manifest', () => String, { nullable: true, description: 'manifest CSV; give this or pattern' }) manifest: string | undefined,
    @Arg('root', () => String, { nullable: true, description: "directory image paths are relative to; default the manifest's" }) root: string | undefined,
    @Arg('pattern', () => String, { nullable: true, description: 'file-name pattern such as {cell_line}_{_}_{plate}_{well}_{compound}_{concentration}_{site}.png' })
    pattern: string | undefined,
    @Arg('skipInvalid', () => Boolean, { defaultValue: false }) skipInvalid: boolean,
    @Ctx() { services }: RequestContext,
  ) {
    return services.screens.importScreen({ name, manifest: manifest ?? null, root: root ?? null, pattern: pattern ?? null, skipInvalid });
  }

  @Authorized('writer')
  @Mutation(() => GenerateScreenJob, { description: 'Queues a screen.generate job: a synthetic screen generated into the data directory and registered' })
  async generateScreen(
    @Arg('preset', () => String, { description: 'tiny, demo or large' }) preset: string,
    @Arg('seed', () => Int, { defaultValue: 0 }) seed: number,
    @Arg('name', () => String) name: string,
    @Ctx() { services }: RequestContext,
  ) {
    const jobId = await services.screens.requestGeneration({ preset, seed, name });
    return { jobId, name, preset, seed };
  }
}
