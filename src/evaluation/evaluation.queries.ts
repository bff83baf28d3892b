import type { RunEntity } from '../db/entities/run.entity';
import type { EvaluationRepository, NamedEntity, ScreenCompound } from '../db/repositories/evaluation.repository';
import type { EvaluatedRuns } from './evaluated-runs';
import { jsonSafe } from './json-safe';
import type { EvaluationTask } from './tasks/evaluation-task';
import type { TaskName } from './tasks/task.registry';

/** A result set as the API shows it: the aggregate row and the cell lines' rows. */
export interface ResultSet<Parameters, Line, Aggregate> {
  runId: string;
  parameters: Parameters;
  createdAt: Date;
  aggregate: Aggregate | null;
  /** `id`: the stored row, for a result refined later (a clustering point asked for) */
  cellLines: Array<{ id: number; cellLineId: number; result: Line }>;
}

/** What a query chooses its result set from: the screen's compounds and the task's stored parameter sets. */
export interface StoredChoice<Parameters> {
  compounds: readonly ScreenCompound[];
  /** the parameters of the most recently stored result set that matches, so results of an evaluateRun with other parameters are what queries show */
  latest(match?: (parameters: Parameters) => boolean): Promise<Parameters | undefined>;
}

export interface ResultSetRequest<Parameters> {
  run: string;
  /** id or name; every cell line when left out */
  cellLine?: string;
  /** compute every missing cell line even when one is asked for (the aggregate needs them all and they are cheap) */
  everyCellLine?: boolean;
  choose(choice: StoredChoice<Parameters>): Parameters | Promise<Parameters>;
  /** only these compounds' images are loaded to compute a missing cell line */
  compounds?(parameters: Parameters): readonly string[];
}

/** Stored evaluations, computing (and storing) what is missing: the cell lines asked for and the aggregate. */
export class EvaluationQueries {
  constructor(
    private readonly runs: EvaluatedRuns,
    private readonly evaluations: EvaluationRepository,
  ) {}

  async resultSet<Parameters extends object, Line extends object, Aggregate extends object>(
    task: EvaluationTask<TaskName, object, Parameters, Line, Aggregate>,
    request: ResultSetRequest<Parameters>,
  ): Promise<ResultSet<Parameters, Line, Aggregate>> {
    const run = await this.runs.embedded(request.run);
    const cellLine = request.cellLine === undefined ? undefined : await this.runs.cellLine(run, request.cellLine);
    const compounds = await this.evaluations.compoundsOf(run.screenId);
    const parameters = await request.choose({
      compounds,
      latest: async (match = () => true) => (await this.evaluations.parameterSets<Parameters>(run.id, task.name)).filter(match).pop(),
    });
    const names = request.compounds?.(parameters);
    const compoundIds = names && compounds.filter((c) => names.includes(c.name)).map((c) => c.id);
    await this.complete(run, task, parameters, request.everyCellLine ? undefined : cellLine, compoundIds);
    const { aggregate, lines } = await this.evaluations.findSet<Aggregate, Line>(run.id, task.name, parameters);
    const first = aggregate ?? lines[0];
    return {
      runId: run.id,
      parameters,
      createdAt: first?.createdAt ?? new Date(),
      aggregate: aggregate?.result ?? null,
      cellLines: lines.filter((row) => !cellLine || row.cellLineId === cellLine.id).map((row) => ({ id: row.id, cellLineId: row.cellLineId, result: row.result })),
    };
  }

  /** Rewrites one stored cell line's result (it only ever gains entries, so the aggregate stands). */
  async refine(rowId: number, result: object): Promise<void> {
    await this.evaluations.updateResult(rowId, jsonSafe(result));
  }

  /**
   * Computes what is missing: the wanted cell line (or, without one, every cell line) and the
   * aggregate, which is recomputed when a cell line was added.
   */
  private async complete<Parameters extends object, Line extends object, Aggregate extends object>(
    run: RunEntity,
    task: EvaluationTask<TaskName, object, Parameters, Line, Aggregate>,
    parameters: Parameters,
    cellLine: NamedEntity | undefined,
    compoundIds: readonly number[] | undefined,
  ): Promise<void> {
    const stored = await this.evaluations.findSet<Aggregate, Line>(run.id, task.name, parameters);
    const have = new Set(stored.lines.map((row) => row.cellLineId));
    const wanted = (cellLine ? [cellLine] : await this.evaluations.cellLinesOf(run.screenId)).filter((line) => !have.has(line.id));
    if (wanted.length === 0 && stored.aggregate) return;
    const added: Array<{ cellLineId: number; result: Line }> = [];
    for (const line of wanted) {
      const loaded = await this.evaluations.embeddedImages(run.id, { cellLineIds: [line.id], compoundIds });
      const [result] = task.evaluateLine({ cellLine: line.name, ...loaded }, [parameters]);
      added.push({ cellLineId: line.id, result: jsonSafe(result) });
    }
    // the aggregate covers the cell lines computed so far; complete once all are
    const aggregate = task.aggregate(parameters, [...stored.lines.map((row) => row.result), ...added.map((line) => line.result)]);
    await this.evaluations.replace(run.id, task.name, parameters, [...added, { cellLineId: null, result: jsonSafe(aggregate) }], 'rows');
  }
}
