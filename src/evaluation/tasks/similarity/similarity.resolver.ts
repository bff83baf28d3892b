import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../../api/context';
import { DISTANCE_METRICS } from '../../../numeric/distance.metrics';
import { DEFAULT_EVALUATION_PARAMETERS } from '../evaluation-parameters';
import { requestedSimilarity } from './similarity.parameters';
import { similarityTask } from './similarity.task';
import { SimilarityType } from './similarity.types';

/** Similarity of known drugs: stored, else computed for every cell line now and stored. */
@Resolver()
export class SimilarityResolver {
  @Query(() => SimilarityType, { description: 'Similarity of two known drugs (or, with moa, of the compounds sharing it) against the control, per cell line and over cell lines' })
  async similarity(
    @Arg('run', () => ID) run: string,
    @Arg('drugA', () => String, { defaultValue: 'Methotrexate' }) drugA: string,
    @Arg('drugB', () => String, { defaultValue: 'Pemetrexed' }) drugB: string,
    @Arg('control', () => String, { defaultValue: 'DMSO' }) control: string,
    @Arg('cellLine', () => ID, { nullable: true, description: 'id or name; every cell line when left out' }) cellLine: string | undefined,
    @Arg('moa', () => String, { nullable: true, description: 'a MoA group instead of drugA and drugB' }) moa: string | undefined,
    @Ctx() { services }: RequestContext,
  ): Promise<SimilarityType> {
    const found = await services.evaluations.queries.resultSet(similarityTask, {
      run,
      cellLine: cellLine ?? undefined,
      everyCellLine: true,
      choose: ({ compounds }) => requestedSimilarity({ drugA, drugB, control, moa: moa ?? undefined }, compounds, DEFAULT_EVALUATION_PARAMETERS.control),
      compounds: (parameters) => [...parameters.compounds, parameters.control],
    });
    return {
      runId: found.runId,
      compounds: found.parameters.compounds,
      control: found.parameters.control,
      moa: found.parameters.moa,
      computedAt: found.createdAt,
      aggregate: DISTANCE_METRICS.map((metric) => ({ metric, ...found.aggregate!.aggregate[metric] })),
      cellLines: found.cellLines.map(({ cellLineId, result }) => ({
        cellLineId: String(cellLineId),
        cellLine: result.cellLine,
        images: result.images,
        metrics: DISTANCE_METRICS.map((metric) => ({ metric, ...result.metrics[metric] })),
      })),
    };
  }
}
