import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../../api/context';
import { BadUserInputError } from '../../../errors/app-errors';
import { DEFAULT_EVALUATION_PARAMETERS } from '../evaluation-parameters';
import { MAP_KINDS, type MapKind } from './map.result';
import { mapParameters, mapTask } from './map.task';
import { MapKindEnum, MeanAveragePrecisionType } from './map.types';

/** mAP of one kind: the newest stored result set of that kind, else the defaults computed now for every cell line. */
@Resolver()
export class MapResolver {
  @Query(() => MeanAveragePrecisionType, { description: 'copairs-style mAP: phenotypic activity against the control, or MoA consistency' })
  async meanAveragePrecision(
    @Arg('run', () => ID) run: string,
    @Arg('kind', () => MapKindEnum) kind: MapKind,
    @Arg('cellLine', () => ID, { nullable: true, description: 'id or name; every cell line when left out' }) cellLine: string | undefined,
    @Ctx() { services }: RequestContext,
  ): Promise<MeanAveragePrecisionType> {
    if (!MAP_KINDS.includes(kind)) throw new BadUserInputError(`kind must be ${MAP_KINDS.join(' or ')}, got ${String(kind)}`, 'kind');
    const found = await services.evaluations.queries.resultSet(mapTask, {
      run,
      cellLine: cellLine ?? undefined,
      everyCellLine: true,
      choose: async ({ latest }) => (await latest((parameters) => parameters.kind === kind)) ?? mapParameters(DEFAULT_EVALUATION_PARAMETERS, kind),
    });
    const aggregate = found.aggregate!;
    return {
      runId: found.runId,
      kind,
      parameters: { ...found.parameters },
      computedAt: found.createdAt,
      meanAveragePrecision: aggregate.meanAveragePrecision,
      fractionSignificant: aggregate.fractionSignificant,
      byGroup: aggregate.byGroup,
      cellLines: found.cellLines.map(({ cellLineId, result }) => ({
        cellLineId: String(cellLineId),
        cellLine: result.cellLine,
        profiles: result.profiles,
        meanAveragePrecision: result.meanAveragePrecision,
        fractionSignificant: result.fractionSignificant,
        groups: result.groups,
      })),
    };
  }
}
