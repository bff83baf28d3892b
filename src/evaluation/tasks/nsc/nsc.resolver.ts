import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../../api/context';
import { DEFAULT_EVALUATION_PARAMETERS } from '../evaluation-parameters';
import { findCompound } from '../screen-compounds';
import type { NscScore } from './nsc.result';
import { nscParameters, nscTask } from './nsc.task';
import { MoaAccuracyType, type MoaAccuracyScoreType } from './nsc.types';

/** NSC / NSCB: the newest stored result set with that control, else computed now for every cell line and stored. */
@Resolver()
export class NscResolver {
  @Query(() => MoaAccuracyType, { description: 'NSC and NSCB 1-nearest-neighbour MoA accuracy over treatment profiles, with the confusion between MoAs' })
  async moaAccuracy(
    @Arg('run', () => ID) run: string,
    @Arg('control', () => String, { defaultValue: DEFAULT_EVALUATION_PARAMETERS.control, description: 'the control compound, never queried' }) control: string,
    @Arg('cellLine', () => ID, { nullable: true, description: 'id or name; every cell line when left out' }) cellLine: string | undefined,
    @Ctx() { services }: RequestContext,
  ): Promise<MoaAccuracyType> {
    const found = await services.evaluations.queries.resultSet(nscTask, {
      run,
      cellLine: cellLine ?? undefined,
      everyCellLine: true,
      choose: async ({ compounds, latest }) => {
        const name = findCompound(compounds, control, 'control').name;
        return (await latest((parameters) => parameters.control.toLowerCase() === name.toLowerCase())) ?? nscParameters({ control: name, normalization: DEFAULT_EVALUATION_PARAMETERS.normalization });
      },
    });
    const aggregate = found.aggregate!;
    return {
      runId: found.runId,
      parameters: { ...found.parameters },
      computedAt: found.createdAt,
      nsc: score(aggregate.nsc),
      nscb: score(aggregate.nscb),
      cellLines: found.cellLines.map(({ cellLineId, result }) => ({
        cellLineId: String(cellLineId),
        cellLine: result.cellLine,
        treatments: result.treatments,
        unmatched: result.unmatched,
        nsc: score(result.nsc),
        nscb: score(result.nscb),
        treatmentNeighbours: result.neighbours,
      })),
    };
  }
}

function score(stored: NscScore & { overCellLines?: MoaAccuracyScoreType['overCellLines'] }): MoaAccuracyScoreType {
  return { ...stored, overCellLines: stored.overCellLines ?? null };
}
