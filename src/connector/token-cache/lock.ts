/**
 * A cross-process lock on a file in the cache directory: created with `O_EXCL`, holding a random token,
 * the pid and the host. A lock whose holder process is gone (same host) or that is older than `staleMs`
 * is broken. Release removes the file only while it still holds our token, so a broken-then-retaken lock
 * is never removed by its previous holder.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { open, readFile, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { TipError } from '../../errors.js';

/** Options of the token cache's file lock. */
export interface FileLockOptions {
  /** Give up after this many milliseconds. Default `60_000`. */
  readonly timeoutMs?: number;
  /** A lock older than this is broken, milliseconds. Default `90_000`. */
  readonly staleMs?: number;
  /** First retry delay, milliseconds (doubles up to 500 ms, with jitter). Default `25`. */
  readonly retryMs?: number;
}

interface Holder {
  readonly token: string;
  readonly pid: number;
  readonly host: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readHolder(path: string): Promise<Holder | undefined> {
  try {
    const o = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    if (typeof o.token === 'string' && typeof o.pid === 'number' && typeof o.host === 'string') {
      return { token: o.token, pid: o.pid, host: o.host };
    }
  } catch {
    // Unreadable or half-written: judged by age alone.
  }
  return undefined;
}

async function tryAcquire(path: string, holder: Holder): Promise<boolean> {
  try {
    const handle = await open(path, 'wx', 0o600);
    try {
      await handle.writeFile(JSON.stringify({ ...holder, at: Date.now() }));
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

async function breakIfStale(path: string, staleMs: number): Promise<void> {
  let age: number;
  try {
    age = Date.now() - (await stat(path)).mtimeMs;
  } catch {
    return; // Gone already.
  }
  const holder = await readHolder(path);
  const dead = holder !== undefined && holder.host === hostname() && !alive(holder.pid);
  if (dead || age > staleMs) {
    // Remove only the lock judged stale: re-check that it still is the same holder.
    const again = await readHolder(path);
    if (again?.token === holder?.token) await rm(path, { force: true });
  }
}

/**
 * Runs `fn` while holding the lock file `path`.
 *
 * @throws TipError `ERR_TOKEN_CACHE` (reason `lock_timeout`) when the lock cannot be taken in time.
 */
export async function withFileLock<T>(
  path: string,
  fn: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const staleMs = options.staleMs ?? 90_000;
  const holder: Holder = { token: randomBytes(12).toString('base64url'), pid: process.pid, host: hostname() };
  const deadline = Date.now() + timeoutMs;
  let delay = options.retryMs ?? 25;
  for (;;) {
    if (await tryAcquire(path, holder)) break;
    await breakIfStale(path, staleMs);
    if (Date.now() >= deadline) {
      throw new TipError(
        'ERR_TOKEN_CACHE',
        `Another tip-sdk process holds the token cache lock for more than ${Math.round(timeoutMs / 1000)} s: wait for it to finish, or remove the lock file if no such process runs.`,
        { details: { reason: 'lock_timeout', path } },
      );
    }
    await sleep(delay + Math.floor(Math.random() * delay));
    delay = Math.min(delay * 2, 500);
  }
  try {
    return await fn();
  } finally {
    const current = await readHolder(path);
    if (current?.token === holder.token) await rm(path, { force: true });
  }
}
