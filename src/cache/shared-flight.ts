/**
 * Single flight across processes, over a store's {@link CacheLock}: of K processes that miss the same key
 * at once, the one that takes the lock loads; the others poll the store until that load's value appears,
 * the lock frees (a holder that died lets its lease expire; then one of them takes it), or their wait
 * bound passes (then each loads on its own). A lock that cannot be reached counts as no lock: the load
 * goes ahead locally.
 *
 * @module
 */
import { abortedError, sleep } from '../aws/abort.js';
import { within } from './bounded.js';
import type { CacheLock, CacheLockLease, Expiring } from './types.js';

/** First and longest pause between two polls, milliseconds. */
const POLL_FIRST_MS = 10;
const POLL_MAX_MS = 200;

/** How a process takes its turn at a key. */
export interface TurnSettings {
  readonly lock: CacheLock;
  /** Lease of a taken lock, milliseconds; renewed every third of it. */
  readonly leaseMs: number;
  /** Longest wait for another holder, milliseconds. */
  readonly waitMs: number;
  /** Deadline of each lock call, milliseconds. */
  readonly callTimeoutMs: number;
  /** A lock call failed or timed out. */
  readonly onLockError: (error: unknown) => void;
  /** The wait bound passed while another process held the lock. */
  readonly onWaitTimeout: (waitedMs: number) => void;
}

/** A lock taken for a load: `end()` stops renewing it and releases it. */
export interface HeldLock {
  /** True until a renewal finds the lock lost, or `end()`. */
  readonly holding: boolean;
  /** Stops the renewals and releases the lock (in the background; failures are reported). */
  end(): void;
}

/** What {@link takeTurn} found: another process's value, the lock, or neither (load without the lock). */
export type Turn<V> = { readonly value: Expiring<V> } | { readonly held: HeldLock } | undefined;

function hold(lease: CacheLockLease, settings: TurnSettings): HeldLock {
  const { leaseMs, callTimeoutMs, onLockError } = settings;
  let renewing = true;
  const timer = setInterval(
    () => {
      within(lease.renew(leaseMs), callTimeoutMs).then(
        (kept) => {
          // A lost lock is not fatal: the load goes on, and the exchange ledger keeps a JWT single-use.
          if (!kept && renewing) {
            renewing = false;
            clearInterval(timer);
          }
        },
        (error: unknown) => onLockError(error),
      );
    },
    Math.max(1, Math.floor(leaseMs / 3)),
  );
  timer.unref?.();
  return {
    get holding() {
      return renewing;
    },
    end() {
      renewing = false;
      clearInterval(timer);
      within(lease.release(), callTimeoutMs).catch((error: unknown) => onLockError(error));
    },
  };
}

/**
 * Waits for this process's turn to load `key`.
 *
 * @param read - Reads a usable value of the key from the store (never rejects), or `undefined` when a store
 *   value would not do (a forced load).
 * @param signal - Aborts the wait (every caller left); the promise then rejects with `ERR_ABORTED`.
 */
export async function takeTurn<V>(
  key: string,
  settings: TurnSettings,
  read: (() => Promise<Expiring<V> | undefined>) | undefined,
  signal: AbortSignal,
): Promise<Turn<V>> {
  const started = performance.now();
  let delay = POLL_FIRST_MS;
  for (;;) {
    if (signal.aborted) throw abortedError(signal.reason);
    let lease: CacheLockLease | undefined;
    try {
      lease = await within(settings.lock.acquire(key, settings.leaseMs), settings.callTimeoutMs);
    } catch (error) {
      settings.onLockError(error);
      return undefined;
    }
    if (lease !== undefined) {
      const held = hold(lease, settings);
      // The previous holder may have stored its value between this process's first read and now.
      const value = await read?.();
      if (value === undefined) return { held };
      held.end();
      return { value };
    }
    const waited = performance.now() - started;
    if (waited >= settings.waitMs) {
      settings.onWaitTimeout(Math.round(waited));
      return undefined;
    }
    await sleep(Math.min(delay, settings.waitMs - waited), signal);
    delay = Math.min(delay * 2, POLL_MAX_MS);
    const value = await read?.();
    if (value !== undefined) return { value };
  }
}
