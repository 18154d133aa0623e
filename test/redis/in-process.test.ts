/**
 * createTrustedIdentity with the Redis store in this process, against the emulator and a real Redis: a
 * local cache hit sends no command to Redis (counted by Redis itself), and what Redis holds names no user
 * and reveals no secret.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/start.js';
import { redisCacheStore } from '../../src/redis/store.js';
import type { TipEvent } from '../../src/session/events.js';
import { isTipError } from '../../src/errors.js';
import { USERS, emulatorTip, mintToken, startCoreEmulator } from '../core-flow/helpers/emulator.js';
import { CLIENT_KINDS, type TestClient, connectClient } from './support/clients.js';
import { useRedisServer } from './support/redis-server.js';

const redis = useRedisServer();
let emu: RunningEmulator;
beforeAll(async () => {
  emu = await startCoreEmulator();
});
afterAll(async () => emu?.stop());

/** Commands the store sends (INFO and the admin's own inspection excluded). */
const DATA_COMMANDS = ['get', 'set', 'del', 'eval', 'evalsha', 'pexpire', 'pttl'];
const dataCalls = (calls: Record<string, number>) => DATA_COMMANDS.reduce((n, c) => n + (calls[c] ?? 0), 0);

describe.each(CLIENT_KINDS)('the Redis store in createTrustedIdentity (%s)', (kind) => {
  let conn: TestClient;
  beforeAll(async () => {
    conn = await connectClient(kind, redis().port);
  });
  afterAll(async () => conn.close());

  const KEY = randomBytes(32);
  function tipWithRedis(prefix: string, options: Parameters<typeof emulatorTip>[1] = {}) {
    const store = redisCacheStore({
      client: conn.client,
      keyPrefix: prefix,
      encryption: { keys: [{ id: 'k1', key: KEY }] },
    });
    return emulatorTip(emu, { ...options, cache: { ...options.cache, store } });
  }

  it('a local hit does not touch Redis: 500 warm forToken calls send 0 commands', async () => {
    const { tip } = tipWithRedis(`warm-${kind}:`);
    const jwt = await mintToken(emu, 'user1');
    await tip.forToken(jwt);
    await new Promise((r) => setTimeout(r, 50)); // writes and lock releases of the first load are done
    const before = dataCalls(await redis().commandCalls());
    for (let i = 0; i < 500; i += 1) await tip.forToken(jwt);
    const after = dataCalls(await redis().commandCalls());
    expect(after - before).toBe(0);
    // The contrast: a miss does go to Redis.
    tip.clearCache();
    await tip.forToken(jwt);
    expect(dataCalls(await redis().commandCalls())).toBeGreaterThan(after);
  });

  it('Redis holds prefixed digests and sealed values only: no user name, email, token or credential', async () => {
    const prefix = `leak-${kind}:`;
    const { tip, events } = tipWithRedis(prefix);
    const users = USERS.slice(0, 3);
    const secrets: string[] = [];
    for (const user of users) {
      const jwt = await mintToken(emu, user);
      const session = await tip.forToken(jwt);
      const credentials = await session.credentials();
      secrets.push(user, `${user}@example.com`, jwt, jwt.split('.')[1]!, session.identity.idcUserId);
      secrets.push(credentials.accessKeyId, credentials.secretAccessKey, credentials.sessionToken!);
    }
    await new Promise((r) => setTimeout(r, 50));
    const keys = await redis().admin.keys(`${prefix}*`);
    expect(keys.length).toBeGreaterThanOrEqual(users.length * 4); // role, idc, jwt, kept per user
    for (const key of keys) {
      expect(key).toMatch(new RegExp(`^${prefix}(v|jwt|kept):[A-Za-z0-9_-]{43}$`));
      const value = (await redis().admin.get(key))!;
      // A claim whose exchange finished holds its result key alone (settled).
      if (key.startsWith(`${prefix}jwt:`)) expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
      else expect(value).toMatch(/^tip1\.k1\./);
      for (const secret of secrets) {
        expect(key).not.toContain(secret);
        expect(value).not.toContain(secret);
      }
    }
    const text = JSON.stringify(events.filter((e: TipEvent) => e.type === 'cache.store'));
    for (const secret of secrets.slice(2)) expect(text).not.toContain(secret);
  });

  it('another replica’s JWT whose result is gone from Redis is refused at once, and a new token of the user is served', async () => {
    const prefix = `gone-${kind}:`;
    // An exchange deadline past the test's own: waiting for a finished exchange would time the test out.
    const timeouts = { baseDelayMs: 1, maxDelayMs: 10, timeoutMs: 120_000 };
    const a = tipWithRedis(prefix, { timeouts }).tip;
    const b = tipWithRedis(prefix, { timeouts }).tip;
    const before = emu.counters.get('CreateTokenWithIAM');
    const jwt = await mintToken(emu, 'user4');
    await a.forToken(jwt);
    // Redis lost what the exchange gave (evicted under maxmemory): only the JWT's claim is left.
    const gone = [
      ...(await redis().admin.keys(`${prefix}kept:*`)),
      ...(await redis().admin.keys(`${prefix}v:*`)),
    ];
    expect(gone.length).toBeGreaterThanOrEqual(2);
    await redis().admin.del(...gone);
    const fresh = await mintToken(emu, 'user4');
    const [again, other] = await Promise.allSettled([b.forToken(jwt), b.forToken(fresh)]);
    expect(again.status === 'rejected' && isTipError(again.reason, 'ERR_IDC_TOKEN_REUSED')).toBe(true);
    expect(other.status === 'fulfilled' && other.value.identity.subject).toBe('user4');
    expect(emu.counters.get('CreateTokenWithIAM') - before).toBe(2);
  });
});
