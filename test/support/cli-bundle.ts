/**
 * The `tip-sdk` CLI as the suites run it in child processes: src/cli/index.ts bundled by esbuild once per
 * test run (vitest's global setup, {@link buildCliBundle}) and started with plain `node`. Started through
 * tsx instead, each child spends about 0.3 s of CPU in the loader before the CLI runs (the suite starts
 * some twenty). Tests about the source entry point itself (a symbolic link to it) still use tsx.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from './source-files.js';

/**
 * The bundle's path. Two levels below the root, so `packageVersion()` finds the project's package.json
 * at `../../package.json`, as from src/cli/index.ts.
 */
export const CLI_BUNDLE = join(ROOT, '.cache', 'test-cli', 'tip-sdk.mjs');

/**
 * Bundles src/cli/index.ts into {@link CLI_BUNDLE}; packages stay imports, resolved from the root. The file
 * is written beside its place and renamed into it, so a run started meanwhile never reads half of it.
 */
export async function buildCliBundle(): Promise<void> {
  await mkdir(dirname(CLI_BUNDLE), { recursive: true });
  const result = await build({
    entryPoints: [join(ROOT, 'src', 'cli', 'index.ts')],
    outfile: CLI_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
    write: false,
  });
  const [output] = result.outputFiles;
  if (output === undefined) throw new Error('esbuild wrote no bundle of src/cli/index.ts');
  const temp = `${CLI_BUNDLE}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temp, output.contents);
  await rename(temp, CLI_BUNDLE);
}
