/** vitest's global setup: runs once in the main process before any test file. */
import { buildCliBundle } from './cli-bundle.js';

export default async function setup(): Promise<void> {
  await buildCliBundle();
}
