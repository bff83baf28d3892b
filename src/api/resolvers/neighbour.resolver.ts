import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, Float, ID, Info, Int, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../context';
import {
  CompoundNeighbourType,
  DistanceMetricValue,
  EmbeddingType,
  ImageFilterInput,
  ImageNeighbourType,
  ProfileNormalizationValue,
  ProfileType,
} from '../types/neighbour.types';

@Resolver()
export class NeighbourResolver {
  @Query(() => [CompoundNeighbourType], { description: "The k compounds nearest to a compound in a run's representation (treatment profiles, same cell line)" })
  async nearestCompounds(
    @Arg('run', () => ID) run: string,
    @Arg('compound', () => ID, { description: 'id or name' }) compound: string,
    @Arg('cellLine', () => ID, { description: 'id or name' }) cellLine: string,
    @Arg('concentration', () => Float, { nullable: true, description: 'default: the highest tested' }) concentration: number | undefined,
    @Arg('k', () => Int, { defaultValue: 10 }) k: number,
    @Arg('metric', () => DistanceMetricValue, { defaultValue: DistanceMetricValue.COSINE }) metric: DistanceMetricValue,
    @Arg('normalization', () => ProfileNormalizationValue, { defaultValue: ProfileNormalizationValue.NONE }) normalization: ProfileNormalizationValue,
    @Ctx() { services }: RequestContext,
  ) {
    const found = await services.neighbours.nearestCompounds({ run, compound, cellLine, concentration: concentration ?? undefined, k, metric, normalization });
    return found.map((hit) => ({ ...hit, moa: hit.compound.moa }));
  }

  @Query(() => [CompoundNeighbourType], {
    description:
      "The k compounds whose treatment profiles in the cell line are nearest to a new image: embedded by the run's encoder, tiled as the run's screen was, ranked as nearestCompounds ranks (sharesMoa is false: there is no query compound). At most 4 MiB and 2048x2048 pixels; a bad or oversized image is BAD_USER_INPUT",
  })
  async nearestCompoundsForImage(
    @Arg('run', () => ID) run: string,
    @Arg('image', () => String, { description: 'base64 of a PNG or TIFF file' }) image: string,
    @Arg('cellLine', () => ID, { description: 'id or name' }) cellLine: string,
    @Arg('k', () => Int, { defaultValue: 10 }) k: number,
    @Arg('metric', () => DistanceMetricValue, { defaultValue: DistanceMetricValue.COSINE }) metric: DistanceMetricValue,
    @Arg('normalization', () => ProfileNormalizationValue, { defaultValue: ProfileNormalizationValue.NONE }) normalization: ProfileNormalizationValue,
    @Ctx() { services }: RequestContext,
  ) {
    const found = await services.imageQueries.nearestCompounds({ run, image, cellLine, k, metric, normalization });
    return found.map((hit) => ({ ...hit, moa: hit.compound.moa }));
  }

  @Query(() => [ImageNeighbourType], { description: "The k images nearest to an image (or a vector) in a run's representation" })
  async nearestImages(
    @Arg('run', () => ID) run: string,
    @Arg('image', () => ID, { nullable: true }) image: string | undefined,
    @Arg('vector', () => [Float], { nullable: true, description: 'a 2048-d query vector instead of an image' }) vector: number[] | undefined,
    @Arg('k', () => Int, { defaultValue: 10 }) k: number,
    @Arg('metric', () => DistanceMetricValue, { defaultValue: DistanceMetricValue.COSINE }) metric: DistanceMetricValue,
    @Arg('filter', () => ImageFilterInput, { nullable: true }) filter: ImageFilterInput | undefined,
    @Ctx() { services }: RequestContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    const hits = await services.neighbours.nearestImages({
      run,
      image: image ?? undefined,
      vector: vector ?? undefined,
      k,
      metric,
      filter: filter ? { cellLine: filter.cellLine ?? undefined, compound: filter.compound ?? undefined, plate: filter.plate ?? undefined } : undefined,
    });
    // image metadata costs a query: only when the client asks for it, and then one for all
    const details = selects(info, 'image') ? await imageDetails(services, hits.map((hit) => hit.imageId)) : new Map();
    return hits.map((hit) => ({ imageId: String(hit.imageId), distance: hit.distance, image: details.get(hit.imageId) ?? null }));
  }

  @Query(() => EmbeddingType, { description: "An image's embedding under a run" })
  async embedding(@Arg('run', () => ID) run: string, @Arg('image', () => ID) image: string, @Ctx() { services }: RequestContext) {
    const found = await services.neighbours.embedding(run, image);
    return { runId: found.runId, imageId: String(found.imageId), dimensions: found.vector.length, vector: Array.from(found.vector) };
  }

  @Query(() => ProfileType, { description: 'A treatment profile: compound x cell line x concentration (default: the highest tested)' })
  async profile(
    @Arg('run', () => ID) run: string,
    @Arg('compound', () => ID, { description: 'id or name' }) compound: string,
    @Arg('cellLine', () => ID, { description: 'id or name' }) cellLine: string,
    @Arg('concentration', () => Float, { nullable: true }) concentration: number | undefined,
    @Arg('normalization', () => ProfileNormalizationValue, { defaultValue: ProfileNormalizationValue.NONE }) normalization: ProfileNormalizationValue,
    @Ctx() { services }: RequestContext,
  ) {
    const found = await services.neighbours.profile({ run, compound, cellLine, concentration: concentration ?? undefined, normalization });
    return { ...found, dimensions: found.vector.length, vector: Array.from(found.vector) };
  }
}

function selects(info: GraphQLResolveInfo, field: string): boolean {
  return info.fieldNodes.some((node) => node.selectionSet?.selections.some((selection) => selection.kind === 'Field' && selection.name.value === field) ?? false);
}

async function imageDetails(services: RequestContext['services'], ids: number[]) {
  const images = await services.neighbours.images(ids);
  const cellLines = new Map((await services.neighbours.cellLinesById([...new Set(images.map((i) => i.cellLineId))])).map((c) => [c.id, c]));
  const compounds = new Map((await services.neighbours.compoundsById([...new Set(images.map((i) => i.compoundId))])).map((c) => [c.id, c]));
  return new Map(images.map((image) => [image.id, { ...image, id: String(image.id), cellLine: cellLines.get(image.cellLineId), compound: compounds.get(image.compoundId) }]));
}
