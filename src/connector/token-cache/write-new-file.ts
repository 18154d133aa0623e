/** Writing a file that must not exist yet, durably: the token cache's records and its key file. */
import { open } from 'node:fs/promises';

/**
 * Creates `path` with mode 0600 (fails with `EEXIST` when it exists), writes `text` and syncs it to disk
 * before closing.
 */
export async function writeNewFileSynced(path: string, text: string): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
