import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Values computed by scipy/sklearn: test/fixtures/evaluation/make_reference.py. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const reference: any = JSON.parse(readFileSync(path.join(__dirname, '../fixtures/evaluation/reference.json'), 'utf8'));

export const TOLERANCE = 1e-6;

export function expectClose(actual: number | null | undefined, expected: number, tolerance = TOLERANCE): void {
  if (actual === null || actual === undefined || !(Math.abs(actual - expected) <= tolerance)) {
    throw new Error(`expected ${expected} within ${tolerance}, got ${actual}`);
  }
}

/** Walks a result and fails on any NaN or any null value without a reason next to it. */
export function expectNoNaN(value: unknown, where = 'result'): void {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) throw new Error(`NaN at ${where}`);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (ArrayBuffer.isView(value)) {
    (value as unknown as ArrayLike<number>).length;
    Array.from(value as unknown as ArrayLike<number>).forEach((v, i) => expectNoNaN(v, `${where}[${i}]`));
    return;
  }
  const record = value as Record<string, unknown>;
  if ('value' in record && record.value === null && typeof record.reason !== 'string') throw new Error(`null without reason at ${where}`);
  for (const [key, child] of Object.entries(record)) expectNoNaN(child, `${where}.${key}`);
}
