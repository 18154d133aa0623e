/**
 * `redisCacheStore()`: the {@link SharedCacheStore} on Redis or Valkey, over a client the caller passes
 * in. Values are sealed (AES-256-GCM, the Redis key as AAD, key rotation by id) and expire with the entry
 * (`SET … PX`); the store also provides the cross-replica lock and the shared exchange ledger. Every call
 * is bounded (`commandTimeoutMs`) and goes through a circuit breaker; every failure is an
 * `ERR_CACHE_STORE` TipError, which the core answers by carrying on without the store.
 *
 * @module
 */
import { optionError } from '../errors.js';
import type { SharedCacheStore } from '../session/shared-store.js';
import { createCircuit } from './circuit.js';
import { commandSender } from './client.js';
import { createCommands } from './commands.js';
import { SealError, createEnvelope } from './envelope.js';
import { TipError } from '../errors.js';
import { redisExchangeLedger } from './ledger.js';
import { redisLock } from './lock.js';
import { type RedisCacheStoreOptions, resolveRedisOptions } from './options.js';

/** The Redis store: a {@link SharedCacheStore} for `cache.store`. */
export interface RedisCacheStore extends SharedCacheStore {
  /** The key prefix in use (for operators: `SCAN MATCH <prefix>*`). */
  readonly keyPrefix: string;
}

/** Longest memo key accepted, in characters (the core's keys are 43-character digests). */
const MAX_KEY_CHARS = 256;

function checkKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_KEY_CHARS) {
    throw optionError('key', `must be a non-empty string of at most ${MAX_KEY_CHARS} characters`);
  }
}

/**
 * Creates a shared, encrypted cache store on Redis for `createTrustedIdentity({ cache: { store } })`.
 *
 * @example
 * ```ts
 * import { Redis } from 'ioredis';
 * import { redisCacheStore } from 'tip-sdk/redis';
 * const store = redisCacheStore({
 *   client: new Redis(process.env.REDIS_URL!),
 *   encryption: { keys: [{ id: '2025-06', key: process.env.TIP_CACHE_KEY! }] },
 * });
 * const tip = createTrustedIdentity({ …, cache: { store } });
 * ```
 *
 * @throws TypeError for a bad option (a missing client, a key that is not 32 bytes, repeated key ids…).
 */
export function redisCacheStore(options: RedisCacheStoreOptions): RedisCacheStore {
  const settings = resolveRedisOptions(options);
  const { keyPrefix: prefix, onEvent } = settings;
  const emit =
    onEvent === undefined
      ? undefined
      : (event: Parameters<typeof onEvent>[0]): void => {
          try {
            onEvent(event);
          } catch {
            // A faulty listener must not break the store.
          }
        };
  const circuit = createCircuit(settings.circuitFailures, settings.circuitOpenMs, {
    opened: (failures, openMs) => emit?.({ type: 'circuit-open', failures, openMs }),
    closed: () => emit?.({ type: 'circuit-closed' }),
  });
  const commands = createCommands(commandSender(settings.client), {
    timeoutMs: settings.commandTimeoutMs,
    circuit,
    emit,
  });
  const envelope = createEnvelope(settings.keys);
  const valueKey = (key: string) => `${prefix}v:${key}`;

  return Object.freeze({
    keyPrefix: prefix,
    async get(key: string) {
      checkKey(key);
      const redisKey = valueKey(key);
      const sealed = await commands.send(['GET', redisKey], redisKey);
      if (sealed === null || sealed === undefined) return undefined;
      try {
        return envelope.open(redisKey, sealed as string);
      } catch (error) {
        const reason = error instanceof SealError ? error.reason : 'malformed';
        emit?.({ type: 'value-rejected', entry: 'value', reason });
        throw new TipError(
          'ERR_CACHE_STORE',
          `A Redis value was not used (${reason}): it was treated as a miss. Values that do not decrypt were tampered with, copied from another key, or written with a key no longer in \`encryption.keys\`.`,
          { details: { reason, operation: 'GET' } },
        );
      }
    },
    async set(key: string, value: string, ttlMs: number) {
      checkKey(key);
      if (!(ttlMs > 0)) return;
      const redisKey = valueKey(key);
      const ttl = String(Math.max(1, Math.ceil(ttlMs)));
      await commands.send(['SET', redisKey, envelope.seal(redisKey, value), 'PX', ttl], redisKey);
    },
    async delete(key: string) {
      checkKey(key);
      const redisKey = valueKey(key);
      await commands.send(['DEL', redisKey], redisKey);
    },
    lock: redisLock(commands, prefix),
    exchangeLedger: (init) => redisExchangeLedger({ commands, envelope, prefix, emit }, init),
  } satisfies RedisCacheStore);
}
