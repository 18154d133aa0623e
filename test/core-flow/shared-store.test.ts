import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryCacheStore } from '../../src/cache/memory-store.js';
import type { CacheStore } from '../../src/cache/types.js';
import { createFakeAws, fakeJwt, idcUserIdOf, manualClock, userOfSessionToken } from './helpers/fake-aws.js';
import { fakeTip } from './helpers/tip.js';

const clock = manualClock(Date.now());
const aws = createFakeAws({ now: clock });
beforeAll(() => aws.server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => aws.server.close());
beforeEach(() => aws.reset());

describe('a shared CacheStore', () => {
  it('lets a second instance reuse the first one’s credentials without calling AWS', async () => {
    const store = createMemoryCacheStore({ clock });
    const a = fakeTip(clock, { cache: { store } }).tip;
    const b = fakeTip(clock, { cache: { store } }).tip;
    const first = await a.forToken(fakeJwt('sue', 's1'));
    await new Promise((r) => setTimeout(r, 10));
    const second = await b.forToken(fakeJwt('sue', 's2'));
    expect(aws.counts).toMatchObject({ exchange: 1, assumeRole: 1 });
    expect(await second.credentials()).toEqual(await first.credentials());
    expect(second.identity.idcUserId).toBe(idcUserIdOf('sue'));
  });

  it('keeps only digests as keys and falls back to AWS when the store holds garbage or fails', async () => {
    const keys: string[] = [];
    const store: CacheStore = {
      get: async (key) => {
        keys.push(key);
        return '{"v":1,"expiresAt":1e15,"credentials":{"accessKeyId":5}}';
      },
      set: async () => {
        throw new Error('store down');
      },
      delete: async () => undefined,
    };
    const { tip } = fakeTip(clock, { cache: { store } });
    const session = await tip.forToken(fakeJwt('tim', 't1'));
    expect(userOfSessionToken((await session.credentials()).sessionToken)).toBe(idcUserIdOf('tim'));
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(key).not.toContain('tim');
    }
  });
});

describe('a shared CacheStore entry without an identity context', () => {
  it('is not used: the user is exchanged afresh rather than refused', async () => {
    const expiresAt = clock() + 3_600_000;
    const tokens = {
      accessToken: 'stored-access-token',
      identity: {
        idcUserId: idcUserIdOf('ann'),
        identityStoreId: 'd-1234567890',
        applicationArn: 'arn:aws:sso::123456789012:application/ssoins-1111111111111111/apl-2222222222222222',
        expiresAt,
      },
      expiresAt,
      scopes: [],
    };
    const store: CacheStore = {
      // Every key answers an IdC token set lacking `identityContext` (a role key fails to decode it).
      get: async () => JSON.stringify({ v: 1, expiresAt, tokens }),
      set: async () => undefined,
      delete: async () => undefined,
    };
    const { tip } = fakeTip(clock, { cache: { store } });
    const session = await tip.forToken(fakeJwt('ann', 'a1'));
    expect(userOfSessionToken((await session.credentials()).sessionToken)).toBe(idcUserIdOf('ann'));
    expect(aws.counts).toMatchObject({ exchange: 1, assumeRole: 1 });
  });
});
