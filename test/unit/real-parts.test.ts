import { describe, expect, it } from 'vitest';
import { type RealPartSuite, missingPartExcludes, runs } from '../support/real-parts.js';

const suite = (present: boolean): RealPartSuite => ({
  name: 'sample',
  glob: 'test/sample/**',
  present: () => present,
  missing: 'sample-tool not found (apt-get install sample-tool)',
});

describe('suites that need real parts', () => {
  it('excludes a suite whose part is missing, saying so in one line', () => {
    const lines: string[] = [];
    expect(missingPartExcludes([suite(false), suite(true)], {}, (l) => lines.push(l))).toEqual([
      'test/sample/**',
    ]);
    expect(lines).toEqual(['sample suite not run: sample-tool not found (apt-get install sample-tool)']);
  });

  it('makes a missing part an error under CI=true', () => {
    expect(() => missingPartExcludes([suite(false)], { CI: 'true' }, () => undefined)).toThrow(
      'sample suite cannot run in CI',
    );
    expect(missingPartExcludes([suite(true)], { CI: 'true' }, () => undefined)).toEqual([]);
  });

  it('detects a part by running it', () => {
    expect(runs(process.execPath, ['-e', 'process.exit(0)'])).toBe(true);
    expect(runs(process.execPath, ['-e', 'process.exit(3)'])).toBe(false);
    expect(runs('/nonexistent/tool', [])).toBe(false);
  });
});
