/**
 * The one memo primitive: per-key single flight, refresh ahead of expiry, never caching failures, a
 * sequence guard, serve-until-real-expiry, `forceRefresh`, an LRU bound, an injectable clock and an
 * optional shared {@link CacheStore}.
 *
 * @module
 */
import { raceAbort } from '../aws/abort.js';
import { optionError } from '../errors.js';
import { within } from './bounded.js';
import { RejectedValue, bindValue, unbindValue } from './bound-value.js';
import { type SecondChance, SecondChanceMap } from './second-chance.js';
import { DEFAULT_REFRESH_BEFORE_EXPIRY_MS, DEFAULT_REFRESH_FRACTION, refreshAt } from './refresh-window.js';
import { type TurnSettings, takeTurn } from './shared-flight.js';
import type {
  Expiring,
  KeyBinding,
  LoadReason,
  Loader,
  HandleMemo,
  MemoEvent,
  MemoHandle,
  MemoGetOptions,
  MemoOptions,
} from './types.js';

interface Flight<V> {
  promise: Promise<Expiring<V>>;
  readonly controller: AbortController;
  readonly background: boolean;
  /** Set by the loader's `detach()`: the load runs to its end even when every caller leaves. */
  detached: boolean;
  waiters: number;
}

interface Entry<V> extends SecondChance {
  readonly key: string;
  value: Expiring<V> | undefined;
  refreshAt: number;
  flight: Flight<V> | undefined;
  /** Sequence number of the last load started. */
  started: number;
  /** Sequence number of the load whose value is held; an older load never overwrites it. */
  applied: number;
  /** In the LRU: cleared when evicted, deleted or cleared, so a handle on it serves no more. */
  live: boolean;
  /** `value.value`, and until when it is served without a look at the refresh schedule (see `hot`). */
  hotValue: V | undefined;
  hotUntil: number;
}

function positive(name: string, value: number | undefined, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw optionError(name, `must be a ${allowZero ? 'non-negative' : 'positive'} finite number`);
  }
  return value;
}

function validExpiring(result: unknown): result is Expiring<unknown> {
  return (
    typeof result === 'object' &&
    result !== null &&
    'expiresAt' in result &&
    typeof (result as { expiresAt: unknown }).expiresAt === 'number' &&
    Number.isFinite((result as { expiresAt: number }).expiresAt)
  );
}

/**
 * Creates a memo. Semantics, per key:
 * - concurrent callers share one in-flight load (single flight);
 * - a hit within the refresh window (see `refreshAt`) returns the cached value at once and starts one
 *   background refresh; if that refresh fails the cached value is served until its real expiry;
 * - a failed load is never cached and leaves no entry behind: the next caller tries again, and a key
 *   counts against `maxEntries` (and can evict another) only once it holds a value;
 * - loads are numbered; a result is applied only when no newer load has been applied (sequence guard);
 * - `forceRefresh` starts a new load even while one is in flight;
 * - at most `maxEntries` keys are kept; the least recently used is evicted first, approximately (second
 *   chance: a hit sets a flag instead of reordering, so hits stay O(1) and never write the Map);
 * - a load whose loader called `detach()` is not aborted when its callers leave: it finishes and its
 *   result is cached, and later callers join it;
 * - with a store, a miss reads the store first; a value read there is used only when it was written for
 *   this very key (see `binding`), and a value loaded here is written there;
 * - with a store that has a lock, processes missing the same key at once load it once: one takes the
 *   lock, loads and writes the store before releasing it; the others wait (at most `lockWaitMs`, abortable)
 *   and read that value from the store.
 *
 * @typeParam V - The cached value.
 */
export function createMemo<V>(options: MemoOptions<V> = {}): HandleMemo<V> {
  const maxEntries = positive('cache.maxEntries', options.maxEntries, 10_000);
  const beforeMs = positive(
    'cache.refreshBeforeExpiryMs',
    options.refreshBeforeExpiryMs,
    DEFAULT_REFRESH_BEFORE_EXPIRY_MS,
    true,
  );
  const fraction = positive('cache.refreshFraction', options.refreshFraction, DEFAULT_REFRESH_FRACTION, true);
  if (fraction > 1) throw optionError('cache.refreshFraction', 'must be at most 1');
  const margin = positive('cache.expiryMarginMs', options.expiryMarginMs, 0, true);
  const retryMs = positive('cache.refreshRetryMs', options.refreshRetryMs, 10_000, true);
  const storeTimeoutMs = positive('cache.storeTimeoutMs', options.storeTimeoutMs, 1_000);
  const lockLeaseMs = positive('cache.lockLeaseMs', options.lockLeaseMs, 5_000);
  const lockWaitMs = positive('cache.lockWaitMs', options.lockWaitMs, 30_000, true);
  const clock = options.clock ?? Date.now;
  const { store, codec, onEvent } = options;
  if (store !== undefined && codec === undefined)
    throw optionError('cache.codec', 'is required with a store');
  const lock = store?.lock;
  /** Keys holding a value, evicted oldest first with second chances (the LRU). */
  const entries = new SecondChanceMap<string, Entry<V>>();
  /** Keys loading their first value: not in the LRU, so a load that fails takes no slot. */
  const pending = new Map<string, Entry<V>>();

  const emit = onEvent === undefined ? undefined : (event: MemoEvent): void => onEvent(event);

  function usable(value: Expiring<V> | undefined, now: number, minRemaining: number): value is Expiring<V> {
    return value !== undefined && value.expiresAt - margin - now > minRemaining;
  }

  /** A usable value of `key` from the store, newer than `previous`; never rejects. */
  async function readStore(
    key: string,
    previous: Expiring<V> | undefined,
    minRemaining: number,
  ): Promise<Expiring<V> | undefined> {
    if (store === undefined || codec === undefined) return undefined;
    let stored: string | undefined;
    try {
      stored = await within(store.get(key), storeTimeoutMs);
    } catch (error) {
      emit?.({ type: 'store-error', key, operation: 'read', error });
      return undefined;
    }
    if (stored === undefined) return undefined;
    let found: Expiring<V>;
    try {
      found = codec.decode(unbindValue(key, stored));
      if (!validExpiring(found)) throw new RejectedValue('malformed');
    } catch (error) {
      const reason = error instanceof RejectedValue ? error.reason : 'malformed';
      emit?.({ type: 'store-rejected', key, reason });
      return undefined;
    }
    if (!usable(found, clock(), minRemaining)) return undefined;
    if (previous !== undefined && found.expiresAt <= previous.expiresAt) return undefined;
    return found;
  }

  /** Writes `value` under `key`, bound to `binding`; resolves when done or failed (never rejects). */
  async function writeStore(key: string, value: Expiring<V>, binding: KeyBinding | undefined): Promise<void> {
    if (store === undefined || codec === undefined) return;
    const ttl = value.expiresAt - clock();
    if (ttl <= 0) return;
    try {
      const text = bindValue(key, binding, codec.encode(value));
      if (text !== undefined) await within(store.set(key, text, ttl), storeTimeoutMs);
    } catch (error) {
      emit?.({ type: 'store-error', key, operation: 'write', error });
    }
  }

  const turns: Omit<TurnSettings, 'onLockError' | 'onWaitTimeout'> | undefined =
    lock === undefined
      ? undefined
      : { lock, leaseMs: lockLeaseMs, waitMs: lockWaitMs, callTimeoutMs: storeTimeoutMs };

  function turnSettings(key: string): TurnSettings {
    return {
      ...turns!,
      onLockError: (error) => emit?.({ type: 'store-error', key, operation: 'lock', error }),
      onWaitTimeout: (waitedMs) => emit?.({ type: 'lock-timeout', key, waitedMs }),
    };
  }

  function start(
    key: string,
    entry: Entry<V>,
    load: Loader<V>,
    reason: LoadReason,
    background: boolean,
    opts: MemoGetOptions<V> | undefined,
  ): Flight<V> {
    entry.started += 1;
    const seq = entry.started;
    const controller = new AbortController();
    const previous = entry.value;
    const startedAt = clock();
    // Built before run() starts: a loader may call detach() synchronously.
    const flight: Flight<V> = { promise: undefined!, controller, background, detached: false, waiters: 0 };
    const detach = (): void => {
      flight.detached = true;
    };
    const minRemaining = opts?.minRemainingMs ?? 0;
    const read =
      reason === 'force' || store === undefined ? undefined : () => readStore(key, previous, minRemaining);
    const run = async (): Promise<Expiring<V>> => {
      let shared = await read?.();
      let turn: Awaited<ReturnType<typeof takeTurn<V>>>;
      if (shared === undefined && turns !== undefined) {
        turn = await takeTurn(key, turnSettings(key), read, controller.signal);
        if (turn !== undefined && 'value' in turn) shared = turn.value;
      }
      const held = turn !== undefined && 'held' in turn ? turn.held : undefined;
      try {
        const result =
          shared ??
          (await load({
            key,
            signal: controller.signal,
            previous,
            reason,
            detach,
            get holdsLock() {
              return held?.holding === true;
            },
          }));
        if (!validExpiring(result))
          throw new TypeError('tip-sdk: a cache loader returned no finite expiresAt');
        if (seq > entry.applied) {
          entry.applied = seq;
          entry.value = result;
          entry.refreshAt = refreshAt(clock(), result.expiresAt, beforeMs, fraction);
          entry.hotValue = result.value;
          setHotUntil(entry);
          admit(entry);
          if (shared === undefined) {
            const written = writeStore(key, result, opts?.binding);
            // Processes waiting on the lock read the value: it is stored before the lock is released.
            if (held !== undefined) await written;
          }
        }
        return result;
      } finally {
        held?.end();
      }
    };
    flight.promise = run();
    entry.flight = flight;
    flight.promise.then(
      () => {
        if (entry.flight === flight) entry.flight = undefined;
        emit?.({ type: 'loaded', key, reason, durationMs: clock() - startedAt });
      },
      (error: unknown) => {
        if (entry.flight === flight) entry.flight = undefined;
        // A key that never held a value is forgotten, so failures take no LRU slot.
        if (entry.flight === undefined && entry.value === undefined && pending.get(key) === entry) {
          pending.delete(key);
        }
        // A failed early refresh is retried after a pause, not on every hit.
        if (background) {
          entry.refreshAt = Math.max(entry.refreshAt, clock() + retryMs);
          setHotUntil(entry);
        }
        emit?.({
          type: 'load-failed',
          key,
          reason,
          durationMs: clock() - startedAt,
          error,
          servingStale: usable(entry.value, clock(), 0),
        });
      },
    );
    return flight;
  }

  async function wait(flight: Flight<V>, signal: AbortSignal | undefined): Promise<Expiring<V>> {
    flight.waiters += 1;
    try {
      return await raceAbort(flight.promise, signal);
    } finally {
      flight.waiters -= 1;
      if (flight.waiters === 0 && !flight.background && !flight.detached && signal?.aborted)
        flight.controller.abort(signal.reason);
    }
  }

  /** Kept on the entry so that a hot hit reads one object. */
  function setHotUntil(entry: Entry<V>): void {
    const value = entry.value;
    entry.hotUntil = value === undefined ? 0 : Math.min(entry.refreshAt, value.expiresAt - margin);
  }

  function retire(entry: Entry<V>): void {
    entry.live = false;
  }

  /** A new key waits in `pending` until its first value arrives. */
  function insert(key: string): Entry<V> {
    const entry: Entry<V> = {
      key,
      value: undefined,
      refreshAt: 0,
      flight: undefined,
      started: 0,
      applied: 0,
      used: false,
      live: false,
      hotValue: undefined,
      hotUntil: 0,
    };
    pending.set(key, entry);
    return entry;
  }

  /** Moves a pending entry that now holds a value into the LRU, evicting beyond `maxEntries`. */
  function admit(entry: Entry<V>): void {
    if (pending.get(entry.key) !== entry) return; // already in the LRU, or deleted or cleared meanwhile
    pending.delete(entry.key);
    // Evicting before the insert: the entry just loaded is never the one evicted.
    if (entries.size >= maxEntries) {
      const oldest = entries.evictOldest(retire);
      if (oldest !== undefined) emit?.({ type: 'evicted', key: oldest });
    }
    entry.live = true;
    entries.set(entry.key, entry);
  }

  async function get(key: string, load: Loader<V>, opts?: MemoGetOptions<V>): Promise<V> {
    const now = clock();
    let entry = entries.get(key);
    const minRemaining = opts?.minRemainingMs ?? 0;
    const force = opts?.forceRefresh === true;
    if (entry !== undefined) {
      entry.used = true;
      const value = entry.value;
      if (!force && usable(value, now, minRemaining)) {
        if (now >= entry.refreshAt && entry.flight === undefined) {
          start(key, entry, load, 'refresh', true, opts).promise.catch(() => undefined);
        }
        emit?.({ type: 'hit', key });
        opts?.onHit?.(value.value);
        return value.value;
      }
    } else {
      entry = pending.get(key) ?? insert(key);
    }
    const stillValid = usable(entry.value, now, 0);
    const reason: LoadReason = force
      ? 'force'
      : entry.value === undefined
        ? 'miss'
        : stillValid
          ? 'refresh'
          : 'expired';
    emit?.({ type: 'miss', key, reason });
    // A flight aborted because all its callers left is not joined: it is about to fail. A detached one is
    // never aborted that way, so it is joined.
    const current = entry.flight;
    const flight =
      current !== undefined && !force && !current.controller.signal.aborted
        ? current
        : start(key, entry, load, reason, false, opts);
    try {
      const result = await wait(flight, opts?.signal);
      // The sequence guard may have kept a newer value than this flight's result: return the newest.
      return (entry.applied > 0 && entry.value !== undefined ? entry.value : result).value;
    } catch (error) {
      // Serve until real expiry: an early refresh that fails still returns the valid cached value.
      if (
        !force &&
        reason === 'refresh' &&
        opts?.serveStaleOnError !== false &&
        !opts?.signal?.aborted &&
        usable(entry.value, clock(), 0)
      ) {
        return entry.value.value;
      }
      throw error;
    }
  }

  return {
    get,
    peek(key) {
      const entry = entries.get(key);
      return entry !== undefined && usable(entry.value, clock(), 0) ? entry.value : undefined;
    },
    handle(key) {
      const entry = entries.get(key);
      return entry?.value === undefined ? undefined : (entry as unknown as MemoHandle);
    },
    hot(handle) {
      const entry = handle as unknown as Entry<V>;
      // Due for an early refresh, or expired: get() starts the refresh, or joins the one in flight.
      if (!entry.live || clock() >= entry.hotUntil) return undefined;
      entry.used = true;
      emit?.({ type: 'hit', key: entry.key });
      return entry.hotValue;
    },
    async delete(key) {
      for (const entry of [entries.get(key), pending.get(key)]) {
        if (entry === undefined) continue;
        // The sequence guard then applies no load still in flight, so none writes the key back.
        entry.applied = Number.POSITIVE_INFINITY;
        entry.value = undefined;
        entry.hotValue = undefined;
        entry.hotUntil = 0;
        entry.live = false;
      }
      entries.delete(key);
      pending.delete(key);
      await store?.delete(key);
    },
    clear() {
      for (const entry of entries.values()) entry.live = false;
      entries.clear();
      pending.clear();
    },
    get size() {
      return entries.size;
    },
  };
}
