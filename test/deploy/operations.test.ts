// docs/operations.md documents every environment variable the services read, with its real default.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { envSchema, loadEnv } from '../../src/config/env.ts';

const text = readFileSync(path.resolve(import.meta.dirname, '../../docs/operations.md'), 'utf8');
const rows = new Map([...text.matchAll(/^\| `([A-Z_]+)` \| (.*?) \| .* \|$/gm)].map((m) => [m[1], m[2]]));

describe('docs/operations.md', () => {
  it('has every variable of src/config/env.ts in its table, with the default the code uses', () => {
    const defaults = loadEnv({});
    for (const name of Object.keys(envSchema.shape)) {
      expect(rows.has(name), `${name} is not documented`).toBe(true);
      const value = (defaults as Record<string, unknown>)[name];
      if (typeof value === 'string' || typeof value === 'number') expect(rows.get(name), name).toBe(`\`${value}\``);
    }
  });
});
