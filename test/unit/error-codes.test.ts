import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TIP_ERROR_CODES } from '../../src/errors.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** Codes of Node's own errors, which the library reads but never hands out. */
const NODE_CODES = new Set(['ERR_MODULE_NOT_FOUND']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sources(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('TIP_ERROR_CODES', () => {
  it('holds every code the library hands out, in errors, HTTP answers and telemetry', () => {
    const unknown = new Set<string>();
    for (const file of sources(join(root, 'src'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/'(ERR_[A-Z0-9_]+)'/g)) {
        if (!(m[1]! in TIP_ERROR_CODES) && !NODE_CODES.has(m[1]!))
          unknown.add(`${m[1]} (${relative(root, file)})`);
      }
    }
    expect([...unknown]).toEqual([]);
  });

  it('describes ERR_INTERNAL and ERR_MISSING_DEPENDENCY', () => {
    expect(TIP_ERROR_CODES.ERR_INTERNAL).toMatch(/not a TipError/);
    expect(TIP_ERROR_CODES.ERR_MISSING_DEPENDENCY).toMatch(/optional package/);
  });
});
