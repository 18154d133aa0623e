/**
 * The TypeScript programs the suites start as child processes, bundled by esbuild once per test run
 * (vitest's global setup, {@link buildCliBundle}) and started with plain `node`: the `tip-sdk` CLI and the
 * fixtures in {@link BUNDLED_FIXTURES}. Started through tsx instead, each child spends 0.3–0.6 s of CPU in
 * the loader before its own code runs (the suite starts some thirty). Tests about the source entry point
 * itself (a symbolic link to it), about hiding installed packages from it, and fixtures that load files
 * beside themselves at run time still use tsx.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from './source-files.js';

/**
 * The CLI bundle's path. Two levels below the root, so `packageVersion()` finds the project's package.json
 * at `../../package.json`, as from src/cli/index.ts.
 */
export const CLI_BUNDLE = join(ROOT, '.cache', 'test-cli', 'tip-sdk.mjs');

/** Root-relative fixtures bundled beside the CLI; each reads nothing relative to its own file. */
export const BUNDLED_FIXTURES = [
  'test/redis/support/replica-child.ts',
  'test/core-flow/fixtures/one-user-close.mts',
  'test/emulator/idp/fixtures/start-stop.ts',
  'test/aws/fixtures/pending-call.mts',
  'test/aws/fixtures/close-pending.mts',
] as const;

/** Where the bundle of `fixture` (one of {@link BUNDLED_FIXTURES}) is: `.cache/test-bundles/<path>.mjs`. */
export function fixtureBundle(fixture: (typeof BUNDLED_FIXTURES)[number]): string {
  return join(ROOT, '.cache', 'test-bundles', fixture.replace(/\.m?ts$/, '.mjs'));
}

/**
 * Bundles src/cli/index.ts into {@link CLI_BUNDLE} and each of {@link BUNDLED_FIXTURES} into its
 * {@link fixtureBundle}; packages stay imports, resolved from the root. Each file is written beside its
 * place and renamed into it, the CLI's chunks before its entry, so a run started meanwhile never reads
 * half of one.
 */
export async function buildCliBundle(): Promise<void> {
  await Promise.all([
    // Split at the CLI's dynamic imports, as the published build is: each command loads only its own
    // modules (`--help` 0.09 s instead of 0.25 s), so the children start as users' processes do.
    bundle(join(ROOT, 'src', 'cli', 'index.ts'), CLI_BUNDLE, true),
    ...BUNDLED_FIXTURES.map((f) => bundle(join(ROOT, f), fixtureBundle(f), false)),
  ]);
}

async function bundle(entry: string, outfile: string, splitting: boolean): Promise<void> {
  const outdir = dirname(outfile);
  await mkdir(outdir, { recursive: true });
  const result = await build({
    entryPoints: { [basename(outfile, '.mjs')]: entry },
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
    write: false,
  });
  const main = result.outputFiles.find((o) => o.path === outfile);
  if (main === undefined) throw new Error(`esbuild wrote no bundle of ${relative(ROOT, entry)}`);
  // The chunks (named by their content) first, the entry last.
  for (const output of [...result.outputFiles.filter((o) => o !== main), main]) {
    const temp = `${output.path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temp, output.contents);
    await rename(temp, output.path);
  }
}
