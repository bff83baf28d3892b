import type { ProfileNormalization } from '../../db/entities/profile.entity';
import type { EvaluationImage, ScreenCompound } from '../../db/repositories/evaluation.repository';
import type { VectorMatrix } from '../../numeric/matrix';
import type { TaskReport } from './task-report';

/** An embedded image as the tasks see it: what they group by, without the ids of the database. */
export type LineImage = Omit<EvaluationImage, 'cellLineId' | 'cellLine' | 'compoundId'>;

/** One cell line's embedded images; row i of `vectors` is images[i]. */
export interface LineData {
  cellLine: string;
  images: readonly LineImage[];
  vectors: VectorMatrix;
}

/** Parameters every task may read: the control compound, the PCA width, the seed, the sampling (tasks/sampling.parameters.ts) and the normalisation (tasks/line-normalization.ts). */
export interface SharedParameters {
  control: string;
  /** how every feature is scaled against the control's images on the same plate before any task */
  normalization: ProfileNormalization;
  pcaComponents: number;
  seed: number;
  /** no sampling at any size */
  exact: boolean;
  /** the seed of the samples alone */
  sampleSeed: number;
}

/**
 * One evaluation task. A run's evaluation stores, per parameter set the task derives from the
 * request, one row per cell line (`evaluateLine`) and one row over cell lines (`aggregate`).
 * `Input` is the task's part of the flat request (EvaluationParametersInput), `Parameters`
 * what a stored result set is keyed by. The computing parts are pure and run on worker
 * threads, so a task module must not load the API layer: its GraphQL types and resolver are
 * loaded through `resolver()` by the schema only.
 */
export interface EvaluationTask<Name extends string, Input extends object, Parameters extends object, Line extends object, Aggregate extends object> {
  readonly name: Name;
  /** the task's request fields with their defaults */
  readonly defaults: Input;
  /** throws BadUserInputError naming the field; returns the fields normalised */
  validate(input: Input): Input;
  /** the result sets one evaluation stores; throws NotFoundError for a compound the screen lacks */
  parameterSets(input: Input & SharedParameters, compounds: readonly ScreenCompound[]): Parameters[];
  /** every parameter set on one cell line (a task shares work between its sets here) */
  evaluateLine(line: LineData, sets: readonly Parameters[]): Line[];
  aggregate(parameters: Parameters, lines: readonly Line[]): Aggregate;
  readonly report: TaskReport<Parameters, Aggregate>;
  /** the type-graphql resolver of the task's queries (loaded lazily: see above) */
  resolver(): Promise<new () => object>;
}
