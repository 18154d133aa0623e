import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  exports: Record<string, unknown>;
};

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? files(path) : /\.(ts|mjs|cjs|js)$/.test(entry.name) ? [path] : [];
  });
}

describe('examples', () => {
  const sources = files(join(root, 'examples')).map((path) => ({
    path: relative(root, path),
    text: readFileSync(path, 'utf8'),
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
