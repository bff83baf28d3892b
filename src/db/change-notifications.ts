/**
 * Changes the API pushes to subscribers travel as PostgreSQL NOTIFY on one channel, sent by the
 * repositories in the statement or transaction that makes the change: a notification is
 * delivered at commit, to every listening API replica, whichever host the worker runs on.
 * Payloads carry ids and kind only (NOTIFY caps them at 8000 bytes); listeners re-read the rows.
 */
export const CHANGE_CHANNEL = 'morphospace_changes';

/** What changed on a run: its status, a finished epoch (its number), or its progress. */
export type RunChangeKind = 'status' | 'epoch' | 'progress';

export type ChangeEvent =
  | { kind: 'run'; change: RunChangeKind; run: string; sweep: string | null; epoch?: number }
  | { kind: 'evaluation'; run: string; tasks: string[] };

/**
 * A SELECT that announces every row of the CTE `changed` (columns id, sweep_id): append it to
 * `WITH changed AS (UPDATE runs ... RETURNING id, sweep_id)`. Its rows are the changed runs.
 * `epochSql` is an SQL expression for the epoch number of an 'epoch' change.
 */
export function announceChangedRuns(change: RunChangeKind, epochSql = 'NULL'): string {
  return `SELECT id, pg_notify('${CHANGE_CHANNEL}', json_strip_nulls(json_build_object('kind', 'run', 'change', '${change}', 'run', id, 'sweep', sweep_id, 'epoch', ${epochSql}))::text) FROM changed`;
}

/** Statement and parameters announcing that evaluation results of these tasks were written for the run. */
export function announceEvaluation(runId: string, tasks: readonly string[]): [string, unknown[]] {
  const event: ChangeEvent = { kind: 'evaluation', run: runId, tasks: [...new Set(tasks)] };
  return ['SELECT pg_notify($1, $2)', [CHANGE_CHANNEL, JSON.stringify(event)]];
}

/** The event a notification carries, or undefined for a payload that is not one. */
export function parseChangeEvent(payload: string | undefined): ChangeEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload ?? '');
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const event = value as Record<string, unknown>;
  if (typeof event.run !== 'string') return undefined;
  if (event.kind === 'run' && (event.change === 'status' || event.change === 'epoch' || event.change === 'progress')) {
    const epoch = typeof event.epoch === 'number' ? event.epoch : undefined;
    return { kind: 'run', change: event.change, run: event.run, sweep: typeof event.sweep === 'string' ? event.sweep : null, ...(epoch === undefined ? {} : { epoch }) };
  }
  if (event.kind === 'evaluation' && Array.isArray(event.tasks) && event.tasks.every((task) => typeof task === 'string')) {
    return { kind: 'evaluation', run: event.run, tasks: event.tasks };
  }
  return undefined;
}
