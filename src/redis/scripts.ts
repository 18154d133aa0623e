/**
 * The Lua scripts of the Redis store. Each touches exactly one key, so they run unchanged on Redis
 * Cluster (and ElastiCache, Valkey) without hash tags.
 *
 * @module
 */
import { createHash } from 'node:crypto';

/** A script and its SHA-1 (for `EVALSHA`). */
export interface RedisScript {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
}

function script(name: string, source: string): RedisScript {
  return { name, source, sha: createHash('sha1').update(source).digest('hex') };
}

/** Extends the lock by ARGV[2] ms if ARGV[1] (the lease token) holds it: 1, else 0. */
export const RENEW = script(
  'renew',
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0",
);

/** Deletes the lock if ARGV[1] (the lease token) holds it: 1, else 0. */
export const RELEASE = script(
  'release',
  "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
);

/**
 * Claims a JWT: the value already there (nil reply when absent), or sets ARGV[1] for ARGV[2] ms and
 * answers nil. (`SET NX GET` would do it in one command only from Redis 7.)
 */
export const CLAIM = script(
  'claim',
  "local v = redis.call('GET', KEYS[1]) if v then return v end redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return false",
);

/**
 * Settles a JWT claim: when the claim holds ARGV[1] followed by a space and a time, rewrites it to ARGV[1]
 * alone, keeping its TTL: 1, else 0. (`KEEPTTL` would do it in one command only from Redis 6.)
 */
export const SETTLE = script(
  'settle',
  "local v = redis.call('GET', KEYS[1]) if v and string.sub(v, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. ' ' then local ttl = redis.call('PTTL', KEYS[1]) if ttl > 0 then redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl) return 1 end end return 0",
);

/** Sets ARGV[1] with a TTL of ARGV[2] ms or the key's remaining TTL, whichever is longer. */
export const KEEP = script(
  'keep',
  "local ttl = tonumber(ARGV[2]) local left = redis.call('PTTL', KEYS[1]) if left > ttl then ttl = left end redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl) return 1",
);
