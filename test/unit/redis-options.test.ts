import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { RedisCacheStoreOptions } from '../../src/redis/options.js';
import { redisCacheStore } from '../../src/redis/store.js';

const client = { call: async () => null };
const key = randomBytes(32);
const ok: RedisCacheStoreOptions = { client, encryption: { keys: [{ id: 'k1', key }] } };
const build = (over: Record<string, unknown>) => () =>
  redisCacheStore({ ...ok, ...over } as unknown as RedisCacheStoreOptions);

describe('redisCacheStore options', () => {
  it('accepts ioredis-, node-redis- and node-redis-cluster-shaped clients', () => {
    expect(redisCacheStore(ok).keyPrefix).toBe('tip:');
    expect(() => redisCacheStore({ ...ok, client: { sendCommand: async () => null } })).not.toThrow();
    expect(() =>
      redisCacheStore({ ...ok, client: { sendCommand: async () => null, getSlotMaster: () => undefined } }),
    ).not.toThrow();
  });

  it.each([
    ['no client', { client: undefined }, /`client` is required/],
    ['a client of another kind', { client: { get: () => undefined } }, /`client` must be an ioredis client/],
    ['an empty prefix', { keyPrefix: '' }, /`keyPrefix`/],
    ['a prefix with a space', { keyPrefix: 'tip prod:' }, /`keyPrefix`/],
    ['a prefix too long', { keyPrefix: 'p'.repeat(65) }, /`keyPrefix`/],
    ['no encryption', { encryption: undefined }, /`encryption` is required/],
    ['no keys', { encryption: { keys: [] } }, /`encryption.keys`/],
    [
      '17 keys',
      { encryption: { keys: Array.from({ length: 17 }, (_, i) => ({ id: `k${i}`, key: randomBytes(32) })) } },
      /1 to 16/,
    ],
    ['a key that is not an object', { encryption: { keys: ['k'] } }, /`encryption.keys\[0\]`/],
    ['an id with a dot', { encryption: { keys: [{ id: 'k.1', key }] } }, /`encryption.keys\[0\].id`/],
    ['an empty id', { encryption: { keys: [{ id: '', key }] } }, /`encryption.keys\[0\].id`/],
    [
      'repeated ids',
      {
        encryption: {
          keys: [
            { id: 'k', key },
            { id: 'k', key: randomBytes(32) },
          ],
        },
      },
      /unique/,
    ],
    [
      'repeated key material',
      {
        encryption: {
          keys: [
            { id: 'a', key },
            { id: 'b', key: Buffer.from(key) },
          ],
        },
      },
      /repeats an earlier key/,
    ],
    ['a 16-byte key', { encryption: { keys: [{ id: 'k', key: randomBytes(16) }] } }, /exactly 32 bytes/],
    ['a 33-byte key', { encryption: { keys: [{ id: 'k', key: randomBytes(33) }] } }, /exactly 32 bytes/],
    ['a zero key', { encryption: { keys: [{ id: 'k', key: Buffer.alloc(32) }] } }, /one byte repeated/],
    ['a hex string key', { encryption: { keys: [{ id: 'k', key: key.toString('hex') }] } }, /base64/],
    [
      'a base64 key of 24 bytes',
      { encryption: { keys: [{ id: 'k', key: randomBytes(24).toString('base64') }] } },
      /base64/,
    ],
    ['a number key', { encryption: { keys: [{ id: 'k', key: 42 }] } }, /Uint8Array/],
    ['a zero timeout', { commandTimeoutMs: 0 }, /`commandTimeoutMs`/],
    ['a fractional timeout', { commandTimeoutMs: 1.5 }, /`commandTimeoutMs`/],
    ['a circuit that never trips', { circuitBreaker: { failures: 0 } }, /`circuitBreaker.failures`/],
    ['a circuit open 10 ms', { circuitBreaker: { openMs: 10 } }, /`circuitBreaker.openMs`/],
    ['a circuit that is not an object', { circuitBreaker: 3 }, /`circuitBreaker`/],
    ['an onEvent that is not a function', { onEvent: 'log' }, /`onEvent`/],
  ])('refuses %s with a TypeError naming the option', (_name, over, message) => {
    expect(build(over)).toThrow(TypeError);
    expect(build(over)).toThrow(message);
  });

  it('never shows key material: not in errors, nor in the store object', () => {
    const hex = key.toString('hex');
    const b64 = key.toString('base64');
    const store = redisCacheStore({ ...ok, encryption: { keys: [{ id: 'k1', key: b64 }] } });
    for (const text of [inspect(store, { depth: 10, showHidden: true }), JSON.stringify(store)]) {
      expect(text).not.toContain(hex);
      expect(text).not.toContain(b64);
    }
    const error = (() => {
      try {
        redisCacheStore({ ...ok, encryption: { keys: [{ id: 'k', key: `${b64.slice(0, -2)}!!` }] } });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).not.toContain(b64.slice(0, 20));
  });
});
