/**
 * The {@link CacheLock} on Redis: `SET <prefix>lock:<key> <token> NX PX <lease>` takes it, with a random
 * token per lease; renewing (`PEXPIRE`) and releasing (`DEL`) are compare-and-act Lua scripts, so a
 * holder whose lease expired never extends or removes the lock another process took since. A holder that
 * dies frees the lock when its lease expires.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { CacheLock, CacheLockLease } from '../cache/types.js';
import type { RedisCommands } from './commands.js';
import { RELEASE, RENEW } from './scripts.js';

/** The lock over `commands`, its keys under `prefix`. */
export function redisLock(commands: RedisCommands, prefix: string): CacheLock {
  return {
    async acquire(key, leaseMs) {
      const lockKey = `${prefix}lock:${key}`;
      const token = randomBytes(16).toString('base64url');
      const reply = await commands.send(
        ['SET', lockKey, token, 'NX', 'PX', String(Math.max(1, Math.ceil(leaseMs)))],
        lockKey,
      );
      if (reply !== 'OK') return undefined;
      const lease: CacheLockLease = {
        async renew(ms) {
          const kept = await commands.eval(RENEW, lockKey, [token, String(Math.max(1, Math.ceil(ms)))]);
          return Number(kept) === 1;
        },
        async release() {
          await commands.eval(RELEASE, lockKey, [token]);
        },
      };
      return lease;
    },
  };
}
