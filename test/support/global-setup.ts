/** vitest's global setup: runs once in the main process before any test file. */
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
  const { pg } = await bootPglite({ snapshotPath: path });
  await pg.close();
  resetMemorySnapshot();
}

export default async function setup(): Promise<void> {
  await Promise.all([buildCliBundle(), warmPgliteSnapshot()]);
}
