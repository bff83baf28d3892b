import { JOB_OPTIONS, type JobPayloads } from '../queue/jobs';
import { UsageError } from './usage-error';

export function parseConcurrency(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 64) throw new UsageError(`--concurrency must be an integer from 1 to 64, got "${text}"`);
  return value;
}

export function parseQueues(text: string | undefined): Array<keyof JobPayloads> | undefined {
  if (text === undefined) return undefined;
  const names = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const known = Object.keys(JOB_OPTIONS);
  const unknown = names.filter((name) => !known.includes(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new UsageError(`--queues: unknown job name(s) ${unknown.join(', ') || '(none given)'}; known: ${known.join(', ')}`);
  }
  return names as Array<keyof JobPayloads>;
}
