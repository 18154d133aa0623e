/**
 * The store's call discipline, with clients that misbehave on purpose: deadlines, the circuit breaker,
 * Redis error replies versus transport failures, the script fallback, and errors that echo nothing.
 */
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isTipError } from '../../src/errors.js';
import type { RedisStoreEvent } from '../../src/redis/events.js';
import { redisCacheStore } from '../../src/redis/store.js';

class ReplyError extends Error {}

function storeOver(call: (command: string, ...args: string[]) => Promise<unknown>) {
  const events: RedisStoreEvent[] = [];
  const calls: string[][] = [];
  const store = redisCacheStore({
    client: {
      call: (command: string, ...args: string[]) => {
        calls.push([command, ...args]);
        return call(command, ...args);
      },
    },
    encryption: { keys: [{ id: 'k', key: randomBytes(32) }] },
    commandTimeoutMs: 20,
    circuitBreaker: { failures: 3, openMs: 150 },
    onEvent: (e) => events.push(e),
  });
  return { store, events, calls };
}

const reason = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isTipError(error, 'ERR_CACHE_STORE')).toBe(true);
  return (error as { details: { reason: string } }).details.reason;
};

describe('Redis calls', () => {
  it('a Redis that never answers: each call fails at its deadline; after 3 the circuit opens and calls stop', async () => {
    let answering = false;
    const { store, events, calls } = storeOver((command) =>
      answering ? Promise.resolve(command === 'GET' ? null : 'OK') : new Promise(() => undefined),
    );
    for (let i = 0; i < 3; i += 1) expect(await reason(store.get('k'))).toBe('timeout');
    expect(events.filter((e) => e.type === 'circuit-open')).toEqual([
      { type: 'circuit-open', failures: 3, openMs: 150 },
    ]);
    const before = calls.length;
    for (let i = 0; i < 20; i += 1) expect(await reason(store.get('k'))).toBe('circuit_open');
    expect(calls.length).toBe(before); // nothing reached the client
    await new Promise((r) => setTimeout(r, 160));
    // One probe goes through; it times out: open again.
    expect(await reason(store.get('k'))).toBe('timeout');
    expect(await reason(store.get('k'))).toBe('circuit_open');
    answering = true;
    await new Promise((r) => setTimeout(r, 160));
    expect(await store.get('k')).toBeUndefined();
    expect(events.at(-1)).toEqual({ type: 'circuit-closed' });
    expect(await store.get('k')).toBeUndefined();
  });

  it('a transport failure is `unavailable`; a Redis error reply is `refused` and does not open the circuit', async () => {
    const down = storeOver(async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
    });
    expect(await reason(down.store.get('k'))).toBe('unavailable');
    const full = storeOver(async () => {
      throw new ReplyError('OOM command not allowed when used memory > maxmemory');
    });
    for (let i = 0; i < 10; i += 1) expect(await reason(full.store.set('k', 'v', 1000))).toBe('refused');
    expect(full.events.some((e) => e.type === 'circuit-open')).toBe(false);
    const error = await full.store.set('k', 'v', 1000).catch((e: unknown) => e);
    expect((error as { details: { redisError: string } }).details.redisError).toBe('OOM');
  });

  it('sends a script by SHA and falls back to its source when Redis answers NOSCRIPT', async () => {
    const { store, calls, events } = storeOver(async (command) => {
      if (command === 'SET') return 'OK';
      if (command === 'EVALSHA') throw new ReplyError('NOSCRIPT No matching script. Please use EVAL.');
      return 1;
    });
    const lease = await store.lock.acquire('k', 1000);
    expect(await lease!.renew(1000)).toBe(true);
    expect(calls.map((c) => c[0])).toEqual(['SET', 'EVALSHA', 'EVAL']);
    expect(events).toEqual([]);
  });

  it('errors carry no value, key material or client error (whose fields may echo arguments)', async () => {
    const secret = 'refresh-token-secret-0123456789';
    const { store } = storeOver(async (command, ...args) => {
      throw Object.assign(new ReplyError(`WRONGTYPE ${args.join(' ')}`), {
        command: { name: command, args },
      });
    });
    const error = await store.set('k', secret, 1000).catch((e: unknown) => e);
    for (const text of [inspect(error, { depth: 10 }), JSON.stringify(error), String(error)]) {
      expect(text).not.toContain('tip1.');
      expect(text).not.toContain(secret);
    }
    expect((error as Error).cause).toBeUndefined();
  });

  it('a listener that throws does not break the store', async () => {
    const store = redisCacheStore({
      client: { call: async () => 'not an envelope' },
      encryption: { keys: [{ id: 'k', key: randomBytes(32) }] },
      onEvent: () => {
        throw new Error('listener bug');
      },
    });
    expect(await reason(store.get('k'))).toBe('malformed');
  });
});
