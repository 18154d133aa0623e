import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, filesUnder } from '../support/source-files.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  exports: Record<string, unknown>;
};

describe('examples', () => {
  const sources = filesUnder('examples', /\.(ts|mjs|cjs|js)$/).map((path) => ({
    path,
    text: readFileSync(join(ROOT, path), 'utf8'),
  }));

  it('import tip-sdk by its package name, as users do, never from src/', () => {
    const offenders = sources
      .filter(({ text }) => /from\s+'(\.\.\/)+src\//.test(text))
      .map(({ path }) => path);
    expect(offenders).toEqual([]);
    expect(sources.some(({ text }) => text.includes(`from '${pkg.name}'`))).toBe(true);
  });

  it('import only subpaths the package exports', () => {
    const used = new Set(
      sources.flatMap(({ text }) =>
        [...text.matchAll(new RegExp(`from\\s+'${pkg.name}(/[^']+)?'`, 'g'))].map((m) => `.${m[1] ?? ''}`),
      ),
    );
    expect([...used].filter((subpath) => !(subpath in pkg.exports))).toEqual([]);
  });
});
