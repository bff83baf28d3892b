import { classificationTask } from './classification/classification.task';
import { clusteringTask } from './clustering/clustering.task';
import type { EvaluationTask } from './evaluation-task';
import type { ReportColumn } from './task-report';
import { mapTask } from './map/map.task';
import { nscTask } from './nsc/nsc.task';
import { similarityTask } from './similarity/similarity.task';

/**
 * Every evaluation task, in the order a run's evaluation computes and stores them. A new
 * task is its folder next to these and one line here; the service, the job's parameters,
 * the GraphQL enum, the comparison report and the demo's progress all read this list.
 */
const REGISTRY = [similarityTask, classificationTask, clusteringTask, mapTask, nscTask] as const;

export type TaskName = (typeof REGISTRY)[number]['name'];

/**
 * A registered task with its types forgotten: the service passes a task's own parameter sets
 * and line results back into it, so the loop needs no types of its own. (Method parameters
 * are bivariant, which is what lets each concrete task stand here.)
 */
export type RegisteredTask = EvaluationTask<TaskName, object, object, object, object>;

export const EVALUATION_TASKS: readonly RegisteredTask[] = REGISTRY;

export const TASK_NAMES: readonly TaskName[] = REGISTRY.map((task) => task.name);

type UnionToIntersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;

/** Every task's request fields together: the flat parameters of a `run.evaluate` job. */
export type TaskInputs = UnionToIntersection<(typeof REGISTRY)[number]['defaults']>;

/** The tasks' comparison-report columns, in registry order. */
export const TASK_REPORT_COLUMNS: ReadonlyArray<ReportColumn<TaskName>> = REGISTRY.flatMap((task): ReadonlyArray<ReportColumn<TaskName>> => task.report.columns);

export function isTaskName(name: unknown): name is TaskName {
  return TASK_NAMES.some((task) => task === name);
}
