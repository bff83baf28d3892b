import { NORMALIZATIONS } from '../../embedding/profile.normalizer';
import { DEFAULT_NORMALIZATION } from './line-normalization';
import { BadUserInputError } from '../../errors/app-errors';
import type { SharedParameters } from './evaluation-task';
import { checkCompoundName, checkNumber } from './parameter-checks';
import { EVALUATION_TASKS, isTaskName, TASK_NAMES, type TaskInputs, type TaskName } from './task.registry';

/** Every parameter of a run's evaluation with its default filled in: the shared ones, each task's, and the tasks to run. */
export type ResolvedParameters = SharedParameters & TaskInputs & { tasks: TaskName[] };

/** What a `run.evaluate` job or the evaluateRun mutation may set; everything has a default. */
export type EvaluationParameters = Partial<ResolvedParameters>;

const SHARED_DEFAULTS: SharedParameters & { tasks: TaskName[] } = { control: 'DMSO', normalization: DEFAULT_NORMALIZATION, pcaComponents: 50, seed: 0, exact: false, sampleSeed: 0, tasks: [...TASK_NAMES] };

export const DEFAULT_EVALUATION_PARAMETERS: ResolvedParameters = Object.assign({}, SHARED_DEFAULTS, ...EVALUATION_TASKS.map((task) => task.defaults));

/** Fills in the defaults; a bad value is the caller's error (BAD_USER_INPUT, naming the field). */
export function resolveParameters(input: EvaluationParameters = {}): ResolvedParameters {
  const given = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined && value !== null));
  const p: ResolvedParameters = { ...DEFAULT_EVALUATION_PARAMETERS, ...given };
  p.control = checkCompoundName('control', p.control);
  if (!NORMALIZATIONS.includes(p.normalization)) throw new BadUserInputError(`normalization must be one of ${NORMALIZATIONS.join(', ')}, got ${String(p.normalization)}`, 'normalization');
  checkNumber('pcaComponents', p.pcaComponents, Number.isInteger(p.pcaComponents) && p.pcaComponents >= 2 && p.pcaComponents <= 2048, 'an integer from 2 to 2048');
  checkNumber('seed', p.seed, Number.isInteger(p.seed), 'an integer');
  checkNumber('sampleSeed', p.sampleSeed, Number.isInteger(p.sampleSeed), 'an integer');
  if (typeof p.exact !== 'boolean') throw new BadUserInputError('exact must be true or false', 'exact');
  if (!Array.isArray(p.tasks) || p.tasks.length === 0 || !p.tasks.every(isTaskName)) throw new BadUserInputError(`tasks must be some of ${TASK_NAMES.join(', ')}`, 'tasks');
  p.tasks = TASK_NAMES.filter((name) => p.tasks.includes(name));
  // every task's fields are checked, also of tasks not run: a bad value is never silently kept
  for (const task of EVALUATION_TASKS) Object.assign(p, task.validate({ ...p }));
  return p;
}
