import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../../api/context';
import { BadUserInputError } from '../../../errors/app-errors';
import { compoundAmi } from '../../clustering.evaluator';
import { DEFAULT_EVALUATION_PARAMETERS } from '../evaluation-parameters';
import { clusteringParameters, clusteringTask, withMinClusterSize } from './clustering.task';
import { ClusteringType } from './clustering.types';

/** One cell line's clustering; a min_cluster_size outside the stored sweep is clustered now on the stored coordinates and kept. */
@Resolver()
export class ClusteringResolver {
  @Query(() => ClusteringType, { description: 'UMAP coordinates and HDBSCAN labels of one cell line, over the sweep or at one min_cluster_size' })
  async clustering(
    @Arg('run', () => ID) run: string,
    @Arg('cellLine', () => ID, { description: 'id or name' }) cellLine: string,
    @Arg('minClusterSize', () => Int, { nullable: true, description: 'one point of the sweep (computed when not stored); the whole sweep when left out' }) minClusterSize: number | undefined,
    @Ctx() { services }: RequestContext,
  ): Promise<ClusteringType> {
    const m = minClusterSize ?? undefined;
    if (m !== undefined && (!Number.isInteger(m) || m < 2 || m > 100000)) throw new BadUserInputError(`minClusterSize must be an integer from 2 to 100000, got ${m}`, 'minClusterSize');
    const found = await services.evaluations.queries.resultSet(clusteringTask, {
      run,
      cellLine,
      choose: async ({ latest }) => (await latest()) ?? clusteringParameters(DEFAULT_EVALUATION_PARAMETERS),
    });
    const [row] = found.cellLines;
    let result = row.result;
    const refined = m === undefined ? undefined : withMinClusterSize(result, m, found.parameters);
    if (refined) {
      await services.evaluations.queries.refine(row.id, refined);
      result = refined;
    }
    const base = { runId: found.runId, cellLineId: String(row.cellLineId), cellLine: result.cellLine, parameters: { ...found.parameters }, computedAt: found.createdAt };
    if (result.status !== 'ok') return { ...base, reason: result.reason, points: 0, imageIds: [], compounds: [], coordinates: [], sweep: [] };
    const wanted = m === undefined ? result.sweep : result.sweep.filter((point) => point.minClusterSize === m);
    return {
      ...base,
      reason: null,
      points: result.points,
      imageIds: result.imageIds,
      compounds: result.compounds,
      coordinates: result.coordinates,
      // points stored before AMI was measured get it from their stored labels
      sweep: wanted.map((point) => ({ ...point, ami: point.ami ?? compoundAmi(point.labels, result.compounds), onDemand: point.onDemand === true })),
    };
  }
}
