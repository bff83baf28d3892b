import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { printApiSchema } from '../../src/api/schema.printer';

describe('schema/schema.graphql', () => {
  it('is what the code emits (regenerate with `npm run schema`)', async () => {
    const committed = fs.readFileSync(path.join(__dirname, '..', '..', 'schema', 'schema.graphql'), 'utf8');
    expect(await printApiSchema()).toBe(committed);
  });
});
