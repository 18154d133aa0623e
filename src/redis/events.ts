/**
 * Events of the Redis store (`redisCacheStore({ onEvent })`). They carry no key, value, token or user:
 * only what failed and why.
 *
 * @module
 */

/** Why a value read from Redis was not used (each counts as a miss). */
export type RedisRejectedReason =
  /** The value does not decrypt with its key for this Redis key: tampered, corrupt, or copied from another key. */
  | 'undecryptable'
  /** The value names an encryption key id that is not in `encryption.keys` (retired, or another deployment's). */
  | 'unknown-key'
  /** The value is not a tip-sdk envelope, or decrypts to something that does not parse. */
  | 'malformed'
  /** The value is larger than any value tip-sdk writes (1 MiB). */
  | 'too-large';

/** An event of the Redis store, discriminated by `type`. */
export type RedisStoreEvent =
  | {
      /** A Redis call failed; the caller went on without Redis. */
      readonly type: 'command-failed';
      /** The Redis command, e.g. `GET`, `SET`, `EVALSHA`. */
      readonly command: string;
      /**
       * `timeout`: no answer within `commandTimeoutMs`; `unavailable`: the client could not reach Redis;
       * `refused`: Redis answered with an error (e.g. `OOM`, `NOPERM`, `READONLY`).
       */
      readonly reason: 'timeout' | 'unavailable' | 'refused';
    }
  | {
      /** Redis failed `failures` calls in a row: it is not called for `openMs` milliseconds. */
      readonly type: 'circuit-open';
      /** Consecutive failures that opened the circuit. */
      readonly failures: number;
      /** How long calls fail at once without reaching Redis, in milliseconds. */
      readonly openMs: number;
    }
  | {
      /** A probe call succeeded after the circuit was open: Redis is used again. */
      readonly type: 'circuit-closed';
    }
  | {
      /** A value read from Redis was not used; it counted as a miss. */
      readonly type: 'value-rejected';
      /** Which kind of entry: a cached value or a result kept by the exchange ledger. */
      readonly entry: 'value' | 'ledger';
      /** Why. */
      readonly reason: RedisRejectedReason;
    };
