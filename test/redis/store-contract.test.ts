/**
 * The store contract against a real redis-server, through both client libraries: values, TTLs, the
 * envelope (encryption, the key as AAD, rotation), the lock and the shared exchange ledger.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTipError } from '../../src/errors.js';
import type { IdcTokenSet } from '../../src/identity-center/types.js';
import type { RedisStoreEvent } from '../../src/redis/events.js';
import type { RedisEncryptionKey } from '../../src/redis/options.js';
import { redisCacheStore } from '../../src/redis/store.js';
import { idcTokenCodec } from '../../src/session/codecs.js';
import { CLIENT_KINDS, type TestClient, connectClient } from './support/clients.js';
import { useRedisServer } from './support/redis-server.js';

const server = useRedisServer();
const KEY_A = randomBytes(32);
const KEY_B = randomBytes(32);

const tokens = (user: string, expiresAt = Date.now() + 3_600_000): IdcTokenSet =>
  Object.freeze({
    accessToken: `at-${user}`,
    refreshToken: `rt-${user}`,
    identityContext: `ctx-${user}`,
    identity: Object.freeze({
      idcUserId: `id-${user}`,
      identityStoreId: 'd-1234567890',
      identityStoreArn: undefined,
      instanceArn: undefined,
      applicationArn: 'arn:aws:sso::123456789012:application/ssoins-1111222233334444/apl-aaaabbbbccccdddd',
      expiresAt,
    }),
    expiresAt,
    scopes: Object.freeze([]),
    issuedTokenType: undefined,
  });

async function rejected(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isTipError(error, 'ERR_CACHE_STORE'))
    throw new Error(`expected ERR_CACHE_STORE, got ${String(error)}`);
  return error.details.reason as string;
}

describe.each(CLIENT_KINDS)('redisCacheStore over %s', (kind) => {
  let conn: TestClient;
  const events: RedisStoreEvent[] = [];
  const prefix = `t-${kind}:`;
  const make = (keys: readonly RedisEncryptionKey[] = [{ id: 'a', key: KEY_A }]) =>
    redisCacheStore({
      client: conn.client,
      keyPrefix: prefix,
      encryption: { keys },
      onEvent: (e) => events.push(e),
    });
  beforeAll(async () => {
    conn = await connectClient(kind, server().port);
  });
  afterAll(async () => conn.close());

  it('stores, reads and deletes values with the TTL asked for, under the prefix', async () => {
    const store = make();
    expect(await store.get('k1')).toBeUndefined();
    await store.set('k1', 'hello\nworld ✓', 60_000);
    expect(await store.get('k1')).toBe('hello\nworld ✓');
    const ttl = await server().admin.pttl(`${prefix}v:k1`);
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await store.set('k1', 'x', 0); // nothing to keep: not written
    expect(await store.get('k1')).toBe('hello\nworld ✓');
    await store.delete('k1');
    expect(await store.get('k1')).toBeUndefined();
  });

  it('encrypts: Redis holds an envelope naming the key id, never the plaintext', async () => {
    const store = make();
    await store.set('k2', 'secret-refresh-token-value', 60_000);
    const raw = (await server().admin.get(`${prefix}v:k2`))!;
    expect(raw).toMatch(/^tip1\.a\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(raw).not.toContain('secret');
    await store.set('k2', 'secret-refresh-token-value', 60_000);
    expect(await server().admin.get(`${prefix}v:k2`)).not.toBe(raw); // a fresh IV per write
  });

  it('a value copied to another key does not decrypt there: a miss (ERR_CACHE_STORE) with an event', async () => {
    const store = make();
    await store.set('alice', 'alice-credentials', 60_000);
    const raw = (await server().admin.get(`${prefix}v:alice`))!;
    await server().admin.set(`${prefix}v:bob`, raw, 'PX', 60_000);
    events.length = 0;
    expect(await rejected(store.get('bob'))).toBe('undecryptable');
    expect(events).toEqual([{ type: 'value-rejected', entry: 'value', reason: 'undecryptable' }]);
    for (const [garbage, reason] of [
      ['not an envelope', 'malformed'],
      [raw.replace('tip1.a.', 'tip1.zz.'), 'unknown-key'],
      [`${raw.slice(0, -4)}AAAA`, 'undecryptable'],
      ['x'.repeat(1_100_000), 'too-large'],
    ] as const) {
      await server().admin.set(`${prefix}v:bad`, garbage);
      expect(await rejected(store.get('bad'))).toBe(reason);
    }
  });

  it('rotates keys: decrypts with any listed key, encrypts with the first', async () => {
    const old = make([{ id: 'a', key: KEY_A }]);
    const rotated = make([
      { id: 'b', key: KEY_B.toString('base64') },
      { id: 'a', key: KEY_A.toString('base64url') },
    ]);
    const newOnly = make([{ id: 'b', key: KEY_B }]);
    await old.set('r1', 'written-with-a', 60_000);
    expect(await rotated.get('r1')).toBe('written-with-a');
    await rotated.set('r2', 'written-with-b', 60_000);
    expect((await server().admin.get(`${prefix}v:r2`))!.startsWith('tip1.b.')).toBe(true);
    expect(await newOnly.get('r2')).toBe('written-with-b');
    expect(await rejected(old.get('r2'))).toBe('unknown-key');
    expect(await rejected(newOnly.get('r1'))).toBe('unknown-key');
  });

  it('locks: one holder at a time, renew and release only by the holder, free again after the lease', async () => {
    const { lock } = make();
    const first = await lock.acquire('u1', 10_000);
    expect(first).toBeDefined();
    expect(await lock.acquire('u1', 10_000)).toBeUndefined();
    expect(await first!.renew(200)).toBe(true);
    const ttl = await server().admin.pttl(`${prefix}lock:u1`);
    expect(ttl).toBeLessThanOrEqual(200);
    await new Promise((r) => setTimeout(r, 300)); // the holder "died": its lease expired
    const second = await lock.acquire('u1', 10_000);
    expect(second).toBeDefined();
    expect(await first!.renew(10_000)).toBe(false);
    await first!.release(); // not the holder any more: the lock stays
    expect(await lock.acquire('u1', 10_000)).toBeUndefined();
    await second!.release();
    expect(await lock.acquire('u1', 10_000)).toBeDefined();
  });

  it('shares the exchange ledger: one claim per JWT, its result readable by every replica', async () => {
    const clock = Date.now;
    const a = make().exchangeLedger({ codec: idcTokenCodec, clock });
    const b = make().exchangeLedger({ codec: idcTokenCodec, clock });
    const exp = clock() + 60_000;
    expect(await a.claim('jwt-1', 'user-a', exp)).toEqual({ claimed: true });
    const before = clock();
    expect(await b.claim('jwt-1', 'user-a', exp)).toEqual({
      claimed: false,
      resultKey: 'user-a',
      since: expect.any(Number),
    });
    expect(((await b.claim('jwt-1', 'user-a', exp)) as { since: number }).since).toBeLessThanOrEqual(before);
    await server().admin.set(`${prefix}jwt:jwt-x`, 'garbage-without-time');
    expect(await b.claim('jwt-x', 'user-a', exp)).toEqual({
      claimed: false,
      resultKey: 'garbage-without-time',
    });
    expect(await b.result('user-a')).toBeUndefined();
    await a.keep('user-a', tokens('ann'), exp);
    expect(await b.result('user-a')).toEqual(tokens('ann', (await b.result('user-a'))!.expiresAt));
    expect((await b.result('user-a'))!.refreshToken).toBe('rt-ann');
    // The kept result lives until the latest JWT exp it was kept for.
    await a.keep('user-a', tokens('ann'), clock() + 120_000);
    await a.keep('user-a', tokens('ann'), clock() + 30_000);
    expect(await server().admin.pttl(`${prefix}kept:user-a`)).toBeGreaterThan(100_000);
    expect(await server().admin.pttl(`${prefix}jwt:jwt-1`)).toBeLessThanOrEqual(60_000);
    await b.release('jwt-2');
    await a.release('jwt-1');
    expect(await b.claim('jwt-1', 'user-a', exp)).toEqual({ claimed: true });
  });

  it('settles a claim: the time is dropped and the TTL kept; another key’s claim, a foreign value or no claim is left as it is', async () => {
    const clock = Date.now;
    const a = make().exchangeLedger({ codec: idcTokenCodec, clock });
    const b = make().exchangeLedger({ codec: idcTokenCodec, clock });
    const exp = clock() + 60_000;
    expect(await a.claim('jwt-s', 'user-s', exp)).toEqual({ claimed: true });
    await a.settle!('jwt-s', 'user-s');
    expect(await server().admin.get(`${prefix}jwt:jwt-s`)).toBe('user-s');
    const left = await server().admin.pttl(`${prefix}jwt:jwt-s`);
    expect(left).toBeGreaterThan(50_000);
    expect(left).toBeLessThanOrEqual(60_000);
    // Another replica finds the claim without a time: nothing is running, nothing to wait for.
    expect(await b.claim('jwt-s', 'user-s', exp)).toEqual({ claimed: false, resultKey: 'user-s' });
    // A settle names the result key of the claim: a claim for another user, or a value that merely
    // starts like it, is not rewritten.
    expect(await a.claim('jwt-t', 'user-t', exp)).toEqual({ claimed: true });
    const held = (await server().admin.get(`${prefix}jwt:jwt-t`))!;
    await a.settle!('jwt-t', 'user-');
    await a.settle!('jwt-t', 'user-s');
    expect(await server().admin.get(`${prefix}jwt:jwt-t`)).toBe(held);
    await server().admin.set(`${prefix}jwt:jwt-u`, 'user-uu 1');
    await a.settle!('jwt-u', 'user-u');
    expect(await server().admin.get(`${prefix}jwt:jwt-u`)).toBe('user-uu 1');
    // A claimant holding the user's lock says so; settled, the mark goes with the time.
    expect(await a.claim('jwt-l', 'user-l', exp, { locked: true })).toEqual({ claimed: true });
    expect(await server().admin.get(`${prefix}jwt:jwt-l`)).toMatch(/^user-l \d+ L$/);
    expect(await b.claim('jwt-l', 'user-l', exp)).toEqual({
      claimed: false,
      resultKey: 'user-l',
      since: expect.any(Number),
      locked: true,
    });
    await a.settle!('jwt-l', 'user-l');
    expect(await b.claim('jwt-l', 'user-l', exp)).toEqual({ claimed: false, resultKey: 'user-l' });
    // A claim that is gone (released, expired) is not brought back.
    await a.settle!('jwt-none', 'user-s');
    expect(await server().admin.exists(`${prefix}jwt:jwt-none`)).toBe(0);
  });

  it('a kept result moved to another user’s key, or corrupt, is not used (a miss with an event)', async () => {
    const ledger = make().exchangeLedger({ codec: idcTokenCodec, clock: Date.now });
    await ledger.keep('user-x', tokens('xavier'), Date.now() + 60_000);
    const raw = (await server().admin.get(`${prefix}kept:user-x`))!;
    await server().admin.set(`${prefix}kept:user-y`, raw);
    events.length = 0;
    expect(await ledger.result('user-y')).toBeUndefined();
    await server().admin.set(`${prefix}kept:user-z`, 'garbage');
    expect(await ledger.result('user-z')).toBeUndefined();
    expect(events).toEqual([
      { type: 'value-rejected', entry: 'ledger', reason: 'undecryptable' },
      { type: 'value-rejected', entry: 'ledger', reason: 'malformed' },
    ]);
  });

  it('runs its scripts on a Redis that never saw them (EVALSHA falls back to EVAL)', async () => {
    await server().admin.script('FLUSH');
    const lease = await make().lock.acquire('u-script', 10_000);
    expect(await lease!.renew(10_000)).toBe(true);
    await lease!.release();
    expect(await server().admin.exists(`${prefix}lock:u-script`)).toBe(0);
  });
});
