/**
 * An in-process {@link CacheLock}: the reference implementation of the lock contract, shared by every memo
 * whose store holds it (several `createTrustedIdentity` instances of one process, or tests of replicas).
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { CacheLock, CacheLockLease, Clock } from './types.js';

/** Creates an in-process lock whose leases expire on `clock` (epoch milliseconds; default `Date.now`). */
export function createMemoryCacheLock(clock: Clock = Date.now): CacheLock {
  const held = new Map<string, { token: string; until: number }>();
  const mine = (key: string, token: string): boolean => {
    const current = held.get(key);
    return current !== undefined && current.token === token && current.until > clock();
  };
  return {
    async acquire(key, leaseMs) {
      const current = held.get(key);
      if (current !== undefined && current.until > clock()) return undefined;
      const token = randomUUID();
      held.set(key, { token, until: clock() + leaseMs });
      const lease: CacheLockLease = {
        async renew(ms) {
          if (!mine(key, token)) return false;
          held.set(key, { token, until: clock() + ms });
          return true;
        },
        async release() {
          if (held.get(key)?.token === token) held.delete(key);
        },
      };
      return lease;
    },
  };
}
