/**
 * Options of `redisCacheStore()`, validated at construction: a mistake is a `TypeError` naming the
 * option, never a store that fails later.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { createSecretKey } from 'node:crypto';
import { optionError } from '../errors.js';
import { optionKeys, rejectUnknownOptions } from '../option-keys.js';
import type { OptionShape } from '../option-keys.js';
import type { RedisClientLike } from './client.js';
import type { SealKey } from './envelope.js';
import type { RedisStoreEvent } from './events.js';

/** One AES-256-GCM key. */
export interface RedisEncryptionKey {
  /**
   * Names the key in every value it encrypts (stored in clear), so values stay readable while keys rotate:
   * 1–32 characters of `A–Z a–z 0–9 _ -`. Never reuse an id for other key material.
   */
  readonly id: string;
  /**
   * 32 random bytes (e.g. `crypto.randomBytes(32)`), or a base64 / base64url string of them
   * (`openssl rand -base64 32`). Secret: keep it in your secret manager, never in code.
   */
  readonly key: Uint8Array | string;
}

/** How values are encrypted. */
export interface RedisEncryptionOptions {
  /**
   * 1 to 16 keys, newest first. Values are encrypted with the first and decrypted with whichever key their
   * id names. To rotate: deploy with the new key first and the old one second; once every replica runs it
   * and the old values have expired (at most the longest JWT lifetime, ≈ 1 h), drop the old key.
   */
  readonly keys: readonly RedisEncryptionKey[];
}

/** Circuit breaker settings. */
export interface RedisCircuitOptions {
  /** Consecutive failed calls (errors or timeouts) that open the circuit. From 1 to 1 000. Default `3`. */
  readonly failures?: number;
  /**
   * How long calls fail at once without reaching Redis once the circuit opened, in milliseconds; then one
   * probe call decides. From 100 to 600 000. Default `5_000`.
   */
  readonly openMs?: number;
}

/** Options of `redisCacheStore()`. */
export interface RedisCacheStoreOptions {
  /**
   * A client you create, connect and close: ioredis (`new Redis(…)`, `new Cluster(…)`) or node-redis v4 and
   * later (`createClient(…)` after `await client.connect()`, `createCluster(…)`), for Redis 6.2+, Valkey,
   * ElastiCache or MemoryDB. Required. Leave the client's own key prefix unset (use `keyPrefix`).
   */
  readonly client: RedisClientLike;
  /**
   * Prepended to every key the store writes: values `<prefix>v:<digest>`, locks `<prefix>lock:<digest>`,
   * ledger `<prefix>jwt:<digest>` and `<prefix>kept:<digest>`. 1–64 printable ASCII characters without
   * spaces. Give each deployment (and each environment sharing a Redis) its own. Default `tip:`.
   */
  readonly keyPrefix?: string;
  /** Encryption of every value. Required. */
  readonly encryption: RedisEncryptionOptions;
  /**
   * Deadline of each Redis call, in milliseconds: a call not answered by then fails (and counts toward
   * the circuit breaker) and the request goes on without Redis. From 1 to 60 000. Default `500`.
   */
  readonly commandTimeoutMs?: number;
  /** Stops calling a Redis that keeps failing. */
  readonly circuitBreaker?: RedisCircuitOptions;
  /** Receives store events (failures, circuit changes, refused values); must not throw. Default none. */
  readonly onEvent?: (event: RedisStoreEvent) => void;
}

/** The validated settings. */
export interface RedisSettings {
  readonly client: RedisClientLike;
  readonly keyPrefix: string;
  readonly keys: readonly SealKey[];
  readonly commandTimeoutMs: number;
  readonly circuitFailures: number;
  readonly circuitOpenMs: number;
  readonly onEvent: ((event: RedisStoreEvent) => void) | undefined;
}

const CIRCUIT_KEYS = optionKeys<RedisCircuitOptions>({ failures: true, openMs: true });
const ENCRYPTION_KEYS = optionKeys<RedisEncryptionOptions>({ keys: true });
const KEY_ENTRY_KEYS = optionKeys<RedisEncryptionKey>({ id: true, key: true });
const STORE_SHAPE: OptionShape = {
  owner: 'redisCacheStore',
  keys: optionKeys<RedisCacheStoreOptions>({
    client: true,
    keyPrefix: true,
    encryption: true,
    commandTimeoutMs: true,
    circuitBreaker: true,
    onEvent: true,
  }),
  nested: { circuitBreaker: CIRCUIT_KEYS, encryption: ENCRYPTION_KEYS },
};

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const PREFIX = /^[!-~]{1,64}$/;
const BASE64_32 = /^[A-Za-z0-9+/_-]{43}=?$/;

function int(path: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw optionError(path, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

function keyBytes(path: string, key: unknown): Buffer {
  let bytes: Buffer;
  if (typeof key === 'string') {
    if (!BASE64_32.test(key)) {
      throw optionError(
        path,
        'must be 32 bytes, or a base64 or base64url string of 32 bytes (44 characters)',
      );
    }
    bytes = Buffer.from(key.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  } else if (key instanceof Uint8Array) {
    bytes = Buffer.from(key);
  } else {
    throw optionError(path, 'must be a Uint8Array (e.g. a Buffer) or a base64 string');
  }
  if (bytes.length !== 32) {
    throw optionError(path, `must be exactly 32 bytes for AES-256 (got ${bytes.length})`);
  }
  if (bytes.every((b) => b === bytes[0])) {
    throw optionError(path, 'is one byte repeated: use 32 random bytes (crypto.randomBytes(32))');
  }
  return bytes;
}

/** Validates `options`; throws a `TypeError` naming the first bad option. */
export function resolveRedisOptions(options: RedisCacheStoreOptions): RedisSettings {
  if (typeof options !== 'object' || options === null) throw optionError('(options)', 'must be an object');
  rejectUnknownOptions(options, STORE_SHAPE);
  rejectUnknownOptions(options.encryption, { owner: 'redisCacheStore', keys: ENCRYPTION_KEYS }, 'encryption');
  rejectUnknownOptions(
    options.circuitBreaker,
    { owner: 'redisCacheStore', keys: CIRCUIT_KEYS },
    'circuitBreaker',
  );
  if (typeof options.client !== 'object' || options.client === null) {
    throw optionError('client', 'is required: an ioredis or node-redis client');
  }
  const keyPrefix = options.keyPrefix ?? 'tip:';
  if (typeof keyPrefix !== 'string' || !PREFIX.test(keyPrefix)) {
    throw optionError('keyPrefix', 'must be 1–64 printable ASCII characters without spaces');
  }
  const encryption = options.encryption as RedisEncryptionOptions | undefined;
  if (typeof encryption !== 'object' || encryption === null) {
    throw optionError('encryption', 'is required: `{ keys: [{ id, key }] }` (values hold secrets)');
  }
  const list = encryption.keys as unknown;
  if (!Array.isArray(list) || list.length === 0 || list.length > 16) {
    throw optionError('encryption.keys', 'must be an array of 1 to 16 keys, newest first');
  }
  const ids = new Set<string>();
  const keys: SealKey[] = list.map((entry: unknown, i) => {
    const path = `encryption.keys[${i}]`;
    if (typeof entry !== 'object' || entry === null) throw optionError(path, 'must be `{ id, key }`');
    rejectUnknownOptions(entry, { owner: 'redisCacheStore', keys: KEY_ENTRY_KEYS }, path);
    const { id, key } = entry as Record<string, unknown>;
    if (typeof id !== 'string' || !KEY_ID.test(id)) {
      throw optionError(`${path}.id`, 'must be 1–32 characters of A–Z, a–z, 0–9, _ and -');
    }
    if (ids.has(id)) throw optionError(`${path}.id`, `repeats the id \`${id}\`: ids must be unique`);
    ids.add(id);
    return Object.freeze({ id, key: createSecretKey(keyBytes(`${path}.key`, key)) });
  });
  const seen = new Set<string>();
  for (const [i, k] of keys.entries()) {
    const material = k.key.export().toString('base64');
    if (seen.has(material)) throw optionError(`encryption.keys[${i}].key`, 'repeats an earlier key');
    seen.add(material);
  }
  if (options.onEvent !== undefined && typeof options.onEvent !== 'function') {
    throw optionError('onEvent', 'must be a function');
  }
  const circuit = options.circuitBreaker;
  if (circuit !== undefined && (typeof circuit !== 'object' || circuit === null)) {
    throw optionError('circuitBreaker', 'must be an object');
  }
  return Object.freeze({
    client: options.client,
    keyPrefix,
    keys: Object.freeze(keys),
    commandTimeoutMs: int('commandTimeoutMs', options.commandTimeoutMs, 1, 60_000, 500),
    circuitFailures: int('circuitBreaker.failures', circuit?.failures, 1, 1_000, 3),
    circuitOpenMs: int('circuitBreaker.openMs', circuit?.openMs, 100, 600_000, 5_000),
    onEvent: options.onEvent,
  });
}
