/**
 * A cache store that several replicas share and that coordinates them: besides values, a lock (one load
 * per key across replicas) and an exchange ledger (a JWT another replica exchanged is served from that
 * replica's result, not sent to IdC again). `redisCacheStore()` of `tip-sdk/redis` returns one.
 *
 * @module
 */
import type { CacheLock, CacheStore } from '../cache/types.js';
import type { ExchangeLedger, ExchangeLedgerInit } from '../identity-center/exchange-ledger.js';

/** A {@link CacheStore} shared by replicas, with the lock and the ledger that coordinate them. */
export interface SharedCacheStore extends CacheStore {
  /** The lock every replica takes before loading a key (see {@link CacheLock}). */
  readonly lock: CacheLock;
  /**
   * An exchange ledger kept in this store, shared by every replica using it. Each call may reject (the
   * store is down): the replica then decides with its own ledger.
   */
  exchangeLedger(init: ExchangeLedgerInit): ExchangeLedger;
}

/** True when `store` also provides the shared exchange ledger. */
export function isSharedCacheStore(store: CacheStore | undefined): store is SharedCacheStore {
  return typeof (store as Partial<SharedCacheStore> | undefined)?.exchangeLedger === 'function';
}
