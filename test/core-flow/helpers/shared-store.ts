/**
 * An in-process {@link SharedCacheStore} for replica tests: the memory store (values and its lock) plus
 * one exchange ledger every engine using it shares — the same contract the Redis store fulfils across
 * processes. `forgetValues()` drops the values (as their TTLs would), keeping claims and kept results.
 */
import { createMemoryCacheStore } from '../../../src/cache/memory-store.js';
import type { CacheStore, Clock } from '../../../src/cache/types.js';
import { createExchangeLedger } from '../../../src/identity-center/exchange-ledger.js';
import type { SharedCacheStore } from '../../../src/session/shared-store.js';

export function sharedMemoryStore(clock: Clock): SharedCacheStore & { forgetValues(): void } {
  let values: CacheStore = createMemoryCacheStore({ clock });
  const ledger = createExchangeLedger(10_000, clock);
  return {
    get: (key) => values.get(key),
    set: (key, value, ttlMs) => values.set(key, value, ttlMs),
    delete: (key) => values.delete(key),
    lock: values.lock!,
    exchangeLedger: () => ledger,
    forgetValues() {
      const { lock } = values;
      values = { ...createMemoryCacheStore({ clock }), lock };
    },
  };
}
