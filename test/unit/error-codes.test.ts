import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TIP_ERROR_CODES } from '../../src/errors.js';
import { ROOT, filesUnder } from '../support/source-files.js';

/** Codes of Node's own errors, which the library reads but never hands out. */
const NODE_CODES = new Set(['ERR_MODULE_NOT_FOUND']);

describe('TIP_ERROR_CODES', () => {
  it('holds every code the library hands out, in errors, HTTP answers and telemetry', () => {
    const unknown = new Set<string>();
    for (const file of filesUnder('src')) {
      for (const m of readFileSync(join(ROOT, file), 'utf8').matchAll(/'(ERR_[A-Z0-9_]+)'/g)) {
        if (!(m[1]! in TIP_ERROR_CODES) && !NODE_CODES.has(m[1]!)) unknown.add(`${m[1]} (${file})`);
      }
    }
    expect([...unknown]).toEqual([]);
  });

  it('describes ERR_INTERNAL and ERR_MISSING_DEPENDENCY', () => {
    expect(TIP_ERROR_CODES.ERR_INTERNAL).toMatch(/not a TipError/);
    expect(TIP_ERROR_CODES.ERR_MISSING_DEPENDENCY).toMatch(/optional package/);
  });
});
