import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../../api/context';
import { undefinedBecause } from '../../undefined-value';
import { DEFAULT_EVALUATION_PARAMETERS } from '../evaluation-parameters';
import type { ClassificationCellLineResult } from './classification.result';
import { classificationParameters, classificationTask } from './classification.task';
import { CellLineClassificationType, ClassificationType } from './classification.types';

/** Drug vs control classification: the stored result set (the newest evaluated), else the defaults computed now. */
@Resolver()
export class ClassificationResolver {
  @Query(() => ClassificationType, { description: 'Drug vs control classification on held-out plates, per cell line, with per-compound activity scores' })
  async classification(
    @Arg('run', () => ID) run: string,
    @Arg('cellLine', () => ID, { nullable: true, description: 'id or name; every cell line when left out' }) cellLine: string | undefined,
    @Ctx() { services }: RequestContext,
  ): Promise<ClassificationType> {
    const found = await services.evaluations.queries.resultSet(classificationTask, {
      run,
      cellLine: cellLine ?? undefined,
      choose: async ({ latest }) => (await latest()) ?? classificationParameters(DEFAULT_EVALUATION_PARAMETERS),
    });
    return {
      runId: found.runId,
      parameters: { ...found.parameters },
      computedAt: found.createdAt,
      aggregate: found.aggregate?.metrics ?? null,
      cellLines: found.cellLines.map(({ cellLineId, result }) => classificationView(cellLineId, result)),
    };
  }
}

function classificationView(cellLineId: number, result: ClassificationCellLineResult): CellLineClassificationType {
  const base = { cellLineId: String(cellLineId), cellLine: result.cellLine };
  if (result.status !== 'ok') {
    const missing = undefinedBecause(result.reason);
    return {
      ...base,
      reason: result.reason,
      trainPlates: [],
      heldOutPlates: [],
      train: null,
      test: null,
      pcaComponents: null,
      converged: null,
      confusion: null,
      ...{ accuracy: missing, precision: missing, recall: missing, specificity: missing, f1: missing, rocAuc: missing },
      topDoseRocAuc: missing,
      topDose: [],
      activityScores: [],
    };
  }
  const { report } = result;
  return {
    ...base,
    reason: null,
    trainPlates: result.trainPlates,
    heldOutPlates: result.heldOutPlates,
    train: result.train,
    test: result.test,
    pcaComponents: result.pcaComponents,
    converged: result.converged,
    confusion: report.confusion,
    ...{ accuracy: report.accuracy, precision: report.precision, recall: report.recall, specificity: report.specificity, f1: report.f1, rocAuc: report.rocAuc },
    topDoseRocAuc: result.topDose.rocAuc,
    topDose: result.topDose.compounds,
    activityScores: result.activityScores,
  };
}
