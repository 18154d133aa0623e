/** vitest's global setup: runs once in the main process before any test file. */
import { setFlagsFromString } from 'node:v8';
import {
  bootPglite,
  defaultSnapshotPath,
  readSnapshotFile,
  resetMemorySnapshot,
} from '../../src/emulator/sql/boot.js';
import { buildCliBundle } from './cli-bundle.js';

/**
 * Writes the PGlite snapshot file (src/emulator/sql/boot.ts) when the machine has none, so that the
 * workers and the emulators they start as child processes boot from it instead of each running initdb
 * (several seconds of CPU each) at the same time on a fresh machine.
 */
async function warmPgliteSnapshot(): Promise<void> {
  const path = defaultSnapshotPath();
  if (!path || (await readSnapshotFile(path))) return;
  // As in the workers (vitest.config.ts `execArgv`): V8's baseline WebAssembly code only, which took
  // initdb from about 4.0 s of CPU to 2.4 s here. This process compiles no other WebAssembly.
  setFlagsFromString('--liftoff-only');
  try {
    const { pg } = await bootPglite({ snapshotPath: path });
    await pg.close();
  } catch (error) {
    // Not fatal: each process that needs PGlite then boots it itself, and its tests say what failed.
    console.warn(`PGlite snapshot not written (${error instanceof Error ? error.message : String(error)})`);
  } finally {
    resetMemorySnapshot();
  }
}

/**
 * Builds the bundles the suites start, then lets the test files run while the PGlite snapshot is written:
 * a file that needs PGlite meanwhile waits for it (bootPglite's initdb lock) instead of running initdb too.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const warming = warmPgliteSnapshot();
  await buildCliBundle();
  return () => warming;
}
