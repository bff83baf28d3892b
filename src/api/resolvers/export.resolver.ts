import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { RequestContext } from '../context';
import { ExportFileType, ExportFormatValue, ExportKindValue } from '../types/export.types';

@Resolver()
export class ExportResolver {
  /** It writes a file on the server, as importScreen and generateScreen do: the writer role. */
  @Authorized('writer')
  @Mutation(() => ExportFileType, {
    description:
      "Writes a run's embeddings, profiles or evaluations as Parquet or CSV into <data dir>/exports/<run>-<what>.<format> (replacing an earlier one; the new file appears whole or not at all)",
  })
  async exportRun(
    @Arg('run', () => ID) run: string,
    @Arg('what', () => ExportKindValue) what: ExportKindValue,
    @Arg('format', () => ExportFormatValue, { defaultValue: ExportFormatValue.PARQUET }) format: ExportFormatValue,
    @Ctx() { services }: RequestContext,
  ): Promise<ExportFileType> {
    return services.exports.exportToDataDir({ run, what, format });
  }
}
