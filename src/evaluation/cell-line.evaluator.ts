import { jsonSafe } from './json-safe';
import type { LineData } from './tasks/evaluation-task';
import { EVALUATION_TASKS, type TaskName } from './tasks/task.registry';

/** What to compute on each cell line of a run: per task, its parameter sets. */
export type LinePlan = ReadonlyArray<{ task: TaskName; sets: readonly object[] }>;

/** Per entry of the plan: one result per parameter set, and the CPU seconds the task took on this cell line. */
export type LineResults = Array<{ task: TaskName; lines: object[]; seconds: number }>;

/** Every task of the plan on one cell line (on a worker thread: see line-evaluation.pool.ts). */
export function evaluateLineTasks(line: LineData, plan: LinePlan): LineResults {
  return jsonSafe(
    plan.map(({ task: name, sets }) => {
      const task = EVALUATION_TASKS.find((candidate) => candidate.name === name);
      if (!task) throw new Error(`no evaluation task ${name}`);
      const start = performance.now();
      const lines = task.evaluateLine(line, sets);
      return { task: name, lines, seconds: (performance.now() - start) / 1000 };
    }),
  );
}
