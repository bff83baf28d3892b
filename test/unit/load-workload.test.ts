import { describe, expect, it } from 'vitest';
import { LOAD_OPERATIONS, operationAt } from '../../src/cli/load-workload';

describe('the load bench mix', () => {
  it('sends each operation its share of every 100 requests, neighbours differing', () => {
    expect(LOAD_OPERATIONS.reduce((sum, operation) => sum + operation.share, 0)).toBe(100);
    const counts = new Map<string, number>();
    for (let i = 200; i < 300; i += 1) counts.set(operationAt(i).name, (counts.get(operationAt(i).name) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(LOAD_OPERATIONS.map((operation) => [operation.name, operation.share])));
    const repeats = Array.from({ length: 100 }, (_, i) => operationAt(i) === operationAt(i + 1)).filter(Boolean).length;
    expect(repeats).toBeLessThan(10);
  });
});
