/** Listing the repository's own files, for tests that scan sources, examples or docs. */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Every file under `dir` (relative to the root) whose name matches `name`, as root-relative paths with
 * forward slashes.
 */
export function filesUnder(dir: string, name: RegExp = /\.ts$/): string[] {
  const walk = (path: string): string[] =>
    readdirSync(path, { withFileTypes: true }).flatMap((entry) => {
      const child = join(path, entry.name);
      return entry.isDirectory() ? walk(child) : name.test(entry.name) ? [child] : [];
    });
  return walk(join(ROOT, dir)).map((path) => relative(ROOT, path).split('\\').join('/'));
}
