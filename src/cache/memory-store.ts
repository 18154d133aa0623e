/**
 * An in-process {@link CacheStore}: a bounded Map with per-entry TTL, and an in-process lock. Useful to
 * share one cache between several `createTrustedIdentity` instances of one process, and as the reference
 * implementation of the store contract (the Redis store implements the same methods).
 *
 * @module
 */
import { optionError } from '../errors.js';
import { createMemoryCacheLock } from './memory-lock.js';
import type { CacheStore, Clock } from './types.js';

/** Options of {@link createMemoryCacheStore}. */
export interface MemoryCacheStoreOptions {
  /** Most entries kept; the oldest-written is dropped first. Default `10_000`. */
  readonly maxEntries?: number;
  /** The clock, epoch milliseconds. Default `Date.now`. */
  readonly clock?: Clock;
}

/** Creates an in-memory {@link CacheStore} with a {@link CacheLock} (leases on the same clock). */
export function createMemoryCacheStore(options: MemoryCacheStoreOptions = {}): CacheStore {
  const maxEntries = options.maxEntries ?? 10_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw optionError('maxEntries', 'must be a positive integer');
  }
  const clock = options.clock ?? Date.now;
  const items = new Map<string, { value: string; expiresAt: number }>();
  return {
    async get(key) {
      const item = items.get(key);
      if (item === undefined) return undefined;
      if (item.expiresAt <= clock()) {
        items.delete(key);
        return undefined;
      }
      return item.value;
    },
    async set(key, value, ttlMs) {
      if (!(ttlMs > 0)) return;
      items.delete(key);
      items.set(key, { value, expiresAt: clock() + ttlMs });
      if (items.size > maxEntries) items.delete(items.keys().next().value as string);
    },
    async delete(key) {
      items.delete(key);
    },
    lock: createMemoryCacheLock(clock),
  };
}
