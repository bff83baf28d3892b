import { Arg, Authorized, Ctx, Int, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../context';
import { ChannelRoleInput, GenerateScreenJob, ImportResult } from '../types/screen-import.types';

@Resolver()
export class ScreenResolver {
  @Authorized('writer')
  @Mutation(() => ImportResult, {
    description:
      'Imports a screen from a manifest CSV, from image file names, or from a dataset layout (bbbc021) (paths on the server, below the import roots: MORPHOSPACE_IMPORT_ROOTS, by default <data dir>/imports; symlinks are followed and must stay below them too). Every row and image is checked first; any problem refuses the import (BAD_USER_INPUT, extensions.problems) unless skipInvalid',
  })
  async importScreen(
    @Arg('name', () => String) name: string,
    @Arg('manifest', () => String, { nullable: true, description: 'manifest CSV; give this or pattern' }) manifest: string | undefined,
    @Arg('root', () => String, { nullable: true, description: "directory image paths are relative to; default the manifest's" }) root: string | undefined,
    @Arg('pattern', () => String, { nullable: true, description: 'file-name pattern such as {cell_line}_{_}_{plate}_{well}_{compound}_{concentration}_{site}.png' })
    pattern: string | undefined,
    @Arg('skipInvalid', () => Boolean, { defaultValue: false }) skipInvalid: boolean,
    @Arg('channels', () => [String], { nullable: true, description: 'channel names in order (several FileName_<channel> columns, or the pages of multi-page TIFFs), or one page count' })
    channels: string[] | undefined,
    @Arg('channelRoles', () => [ChannelRoleInput], { nullable: true, description: 'roles of named channels; default the name' }) channelRoles: ChannelRoleInput[] | undefined,
    @Arg('layout', () => String, { nullable: true, description: "a dataset's own files instead of a manifest: bbbc021 (with imageCsv, moaCsv, root)" }) layout: string | undefined,
    @Arg('imageCsv', () => String, { nullable: true, description: 'bbbc021: BBBC021_v1_image.csv' }) imageCsv: string | undefined,
    @Arg('moaCsv', () => String, { nullable: true, description: 'bbbc021: BBBC021_v1_moa.csv' }) moaCsv: string | undefined,
    @Ctx() { services }: RequestContext,
  ) {
    return services.screens.importScreen({
      name,
      manifest: manifest ?? null,
      root: root ?? null,
      pattern: pattern ?? null,
      skipInvalid,
      channels: channels ?? null,
      channelRoles: channelRoles ? Object.fromEntries(channelRoles.map((entry) => [entry.name, entry.role])) : null,
      layout: layout ?? null,
      imageCsv: imageCsv ?? null,
      moaCsv: moaCsv ?? null,
    });
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
