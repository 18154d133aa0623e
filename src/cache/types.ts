/**
 * Types of the one memo primitive tip-sdk uses for every cached thing (IdC tokens, role credentials, JWKS,
 * S3 Access Grants credentials).
 *
 * @module
 */

/** A clock in epoch milliseconds. Default `Date.now`; inject one in tests. */
export type Clock = () => number;

/** A cached value with its real expiry. */
export interface Expiring<V> {
  /** The value. */
  readonly value: V;
  /** When the value stops being usable, in epoch milliseconds. */
  readonly expiresAt: number;
}

/**
 * A shared key-value store behind the in-process memo (e.g. Redis for several replicas). Keys are
 * digests; values are opaque strings produced by a {@link CacheCodec} and bound by the memo to the key
 * they were written for (a store for secrets must also encrypt them). Every method may reject; the memo
 * then falls back to its in-process entries.
 */
export interface CacheStore {
  /** The value under `key`, or `undefined` when absent or expired. */
  get(key: string): Promise<string | undefined>;
  /** Stores `value` under `key` for `ttlMs` milliseconds. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Removes `key`. */
  delete(key: string): Promise<void>;
  /**
   * A lock shared by every process using this store. With it, K processes missing the same key at once
   * make one load: one takes the lock and loads, the others wait (bounded) and read its result from the
   * store. Optional; without it each process loads on its own.
   */
  readonly lock?: CacheLock;
}

/**
 * A lock several processes share (e.g. in Redis), taken for a while (a lease) so that a holder that dies
 * frees it by expiry. One attempt per call; waiting is the caller's business.
 */
export interface CacheLock {
  /**
   * Tries once to take the lock named `key` for `leaseMs` milliseconds.
   *
   * @returns The lease, or `undefined` when another holder has the lock.
   */
  acquire(key: string, leaseMs: number): Promise<CacheLockLease | undefined>;
}

/** A held lock; see {@link CacheLock}. */
export interface CacheLockLease {
  /** Extends the lease to `leaseMs` milliseconds from now. Resolves `false` when the lock was lost. */
  renew(leaseMs: number): Promise<boolean>;
  /** Releases the lock if this lease still holds it (another holder's lock is never removed). */
  release(): Promise<void>;
}

/**
 * What a memo key is a digest of (see `cacheKey`): written with the value into a shared store, so that a
 * value read back is used only for the key it names. A store that answers another key's value (a swapped
 * entry, a buggy proxy) then makes a miss, never a session with another user's credentials.
 */
export interface KeyBinding {
  /** The key's namespace, e.g. `role`. */
  readonly namespace: string;
  /** The key's parts, e.g. issuer, subject, application ARN, role ARN, scopes, audience. */
  readonly parts: readonly (string | undefined)[];
}

/** Turns cached values into store strings and back. `decode` must validate and throw on bad data. */
export interface CacheCodec<V> {
  /** Serializes an entry. */
  encode(entry: Expiring<V>): string;
  /** Parses and validates an entry; throws on anything malformed. */
  decode(text: string): Expiring<V>;
}

/** Why a load runs. */
export type LoadReason = 'miss' | 'expired' | 'refresh' | 'force';

/** What a loader receives. */
export interface LoadContext<V> {
  /** The memo key (a digest). */
  readonly key: string;
  /** Fires when every waiting caller gave up, or never for a background refresh. Pass it to AWS calls. */
  readonly signal: AbortSignal;
  /** The value held before this load, if any (e.g. to use its refresh token). */
  readonly previous: Expiring<V> | undefined;
  /** Why the load runs. */
  readonly reason: LoadReason;
  /**
   * True while the load holds its key's lock in the shared store (the memo took it for this load; false
   * without a store lock, when the load runs without it, or once a renewal found it lost). Another
   * process's load of the key that held the lock while it ran has then ended or stalled past its lease.
   */
  readonly holdsLock?: boolean;
  /**
   * Declares that the load can no longer be abandoned without loss (e.g. a single-use token was sent):
   * from now on `signal` never fires because callers left, the load runs to its end (bounded by its own
   * deadline) and its result is cached, and later callers for the key join it.
   */
  detach(): void;
}

/** A function that produces a fresh value for a key. Its failures are never cached. */
export type Loader<V> = (context: LoadContext<V>) => Promise<Expiring<V>>;

/** What the memo reports (to events and metrics). Never carries a value's secrets, only the key digest. */
export type MemoEvent =
  | {
      /** A valid value was cached. */
      readonly type: 'hit';
      /** The memo key (a digest; never a token or a user name). */
      readonly key: string;
    }
  | {
      /** No usable value was cached; a load starts. */
      readonly type: 'miss';
      /** The memo key. */
      readonly key: string;
      /** Why the load runs. */
      readonly reason: LoadReason;
    }
  | {
      /** A load succeeded. */
      readonly type: 'loaded';
      /** The memo key. */
      readonly key: string;
      /** Why the load ran. */
      readonly reason: LoadReason;
      /** Load time, milliseconds. */
      readonly durationMs: number;
    }
  | {
      /** A load failed. */
      readonly type: 'load-failed';
      /** The memo key. */
      readonly key: string;
      /** Why the load ran. */
      readonly reason: LoadReason;
      /** Load time, milliseconds. */
      readonly durationMs: number;
      /** The error. */
      readonly error: unknown;
      /** True when a still-valid cached value keeps being served. */
      readonly servingStale: boolean;
    }
  | {
      /** The least recently used entry was dropped. */
      readonly type: 'evicted';
      /** The memo key. */
      readonly key: string;
    }
  | {
      /** The shared store (or its lock) failed or timed out; the local cache is used. */
      readonly type: 'store-error';
      /** The memo key. */
      readonly key: string;
      /** What failed: reading or writing a value, or taking, renewing or releasing the lock. */
      readonly operation: 'read' | 'write' | 'lock';
      /** The store error. */
      readonly error: unknown;
    }
  | {
      /**
       * The store answered a value that was not used: it names another key (`foreign`: swapped or copied
       * entries) or does not decode (`malformed`). Treated as a miss.
       */
      readonly type: 'store-rejected';
      /** The memo key. */
      readonly key: string;
      /** Why. */
      readonly reason: 'foreign' | 'malformed';
    }
  | {
      /**
       * Another process held the key's lock for longer than `lockWaitMs`: this process loads on its own.
       */
      readonly type: 'lock-timeout';
      /** The memo key. */
      readonly key: string;
      /** Milliseconds waited. */
      readonly waitedMs: number;
    };

/** Options of {@link createMemo}. Every field is optional. */
export interface MemoOptions<V> {
  /** Most entries kept in process (LRU). Default `10_000`. */
  readonly maxEntries?: number;
  /**
   * Refresh this many milliseconds before expiry at most. The window is the smaller of this and
   * `refreshFraction` × lifetime. Default `300_000` (5 min).
   */
  readonly refreshBeforeExpiryMs?: number;
  /** Refresh window as a fraction of the value's lifetime. Default `0.1` (10 %). */
  readonly refreshFraction?: number;
  /** After a failed background refresh, wait this many milliseconds before the next one. Default `10_000`. */
  readonly refreshRetryMs?: number;
  /** A value counts as expired this many milliseconds before its `expiresAt`. Default `0`. */
  readonly expiryMarginMs?: number;
  /** The clock. Default `Date.now`. */
  readonly clock?: Clock;
  /** A shared store consulted on a miss and written after a load. Default none (in-process only). */
  readonly store?: CacheStore;
  /**
   * A store read not answered within this many milliseconds counts as failed (a `store-error` event) and
   * the value is loaded instead, so a stalled store cannot hang callers. Default `1_000`.
   */
  readonly storeTimeoutMs?: number;
  /**
   * With a store that has a {@link CacheLock}: the lease taken while loading, in milliseconds, renewed
   * every third of it while the load runs, so a holder that dies frees the lock within it. Default `5_000`.
   */
  readonly lockLeaseMs?: number;
  /**
   * With a store that has a {@link CacheLock}: the longest a miss waits for another process's load of the
   * same key (polling the store) before loading on its own, in milliseconds. Default `30_000`.
   */
  readonly lockWaitMs?: number;
  /** Required with `store`: serializes values. */
  readonly codec?: CacheCodec<V>;
  /** Receives cache events; called synchronously, must not throw. Default none. */
  readonly onEvent?: (event: MemoEvent) => void;
}

/**
 * Options of one {@link Memo.get} call.
 *
 * @typeParam V - The cached value.
 */
export interface MemoGetOptions<V = unknown> {
  /** Abandons waiting; rejects with `ERR_ABORTED`. A shared load keeps running while others wait. */
  readonly signal?: AbortSignal;
  /** Loads anew even when a valid value is cached. */
  readonly forceRefresh?: boolean;
  /**
   * A cached value is used only when it stays valid at least this many milliseconds more; otherwise the
   * caller waits for a refresh (and gets the still-valid value if that refresh fails). Default `0`.
   */
  readonly minRemainingMs?: number;
  /**
   * When a refresh asked for by `minRemainingMs` fails, return the still-valid cached value instead of the
   * error. Default `true`.
   */
  readonly serveStaleOnError?: boolean;
  /** Called with the cached value when it came from the cache without waiting (for hit metrics). */
  readonly onHit?: (value: V) => void;
  /**
   * What `key` is a digest of. A value this call loads is written to the store with it, and a value read
   * from the store is used only when what it was written with hashes to the key asked for. Without it the
   * value is bound to the key string alone. Ignored without a store.
   */
  readonly binding?: KeyBinding;
}

/** An entry of a memo, as {@link HandleMemo.handle} returns it; opaque. */
export interface MemoHandle {
  /** Brand: only a memo makes handles. */
  readonly memoHandle: true;
}

/** A keyed single-flight memo with early refresh; see `createMemo`. */
export interface Memo<V> {
  /** The cached value for `key`, loading it with `load` when missing, expired or due. */
  get(key: string, load: Loader<V>, options?: MemoGetOptions<V>): Promise<V>;
  /** The cached entry for `key` when present and unexpired, without loading or touching recency. */
  peek(key: string): Expiring<V> | undefined;
  /** Forgets `key` here and in the store. */
  delete(key: string): Promise<void>;
  /** Forgets every in-process entry. */
  clear(): void;
  /** Number of in-process entries holding a value (keys still loading their first value not counted). */
  readonly size: number;
}

/** A {@link Memo} with synchronous hits through entry handles, as `createMemo` returns it. */
export interface HandleMemo<V> extends Memo<V> {
  /**
   * A handle on the in-process entry of `key` when it holds a value (else `undefined`), for
   * {@link HandleMemo.hot}: held by a caller that resolves the same key again and again, it spares the key
   * lookup.
   */
  handle(key: string): MemoHandle | undefined;
  /**
   * The value behind `handle`, synchronously, when its entry is still held, usable and not yet due for an
   * early refresh; otherwise `undefined` (then call {@link Memo.get}, which refreshes or loads). Counts as a
   * hit: marks the entry used and emits `hit`.
   */
  hot(handle: MemoHandle): V | undefined;
}
