import { describe, expect, it } from 'vitest';
import { type RealPart, excludeMissingParts, missingParts, runs } from '../support/real-parts.js';

const part = (present: boolean, name = 'sample'): RealPart => ({
  suite: `test/${name}/**`,
  name,
  needs: 'sample-tool',
  present: () => present,
  install: 'apt-get install sample-tool',
});

describe('suites that need real parts', () => {
  it('excludes a suite whose part is missing, saying so in one line', () => {
    expect(missingParts([part(false), part(true, 'other')])).toEqual([
      {
        suite: 'test/sample/**',
        line: 'sample suite not run: sample-tool not found (apt-get install sample-tool)',
      },
    ]);
    expect(excludeMissingParts(false, [part(true, 'other')])).toEqual([]);
  });

  it('makes a missing part an error under CI', () => {
    expect(() => excludeMissingParts(true, [part(false)])).toThrow('CI needs every real part: sample suite');
    expect(excludeMissingParts(true, [part(true)])).toEqual([]);
  });

  it('detects a part by running it', () => {
    expect(runs(process.execPath, ['-e', 'process.exit(0)'])).toBe(true);
    expect(runs(process.execPath, ['-e', 'process.exit(3)'])).toBe(false);
    expect(runs('/nonexistent/tool', [])).toBe(false);
  });
});
