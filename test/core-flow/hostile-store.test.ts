/**
 * A shared store that answers another key's value (swapped ciphertexts, a buggy proxy, a poisoned entry)
 * must never make a session that carries another user's credentials: the memo uses a value only for the
 * key whose identity it embeds, whatever the store.
 */
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

const kindOf = (value: string) => (value.includes('"credentials"') ? 'role' : 'idc');

/**
 * Stores honestly, but answers every read with the latest value of the same kind written under another
 * key (for a key it never stored: the latest role credentials of another key).
 */
function swappingStore(): CacheStore & { swaps: number } {
  const inner = createMemoryCacheStore({ clock });
  const written = new Map<string, string>();
  const store = {
    swaps: 0,
    async get(key: string) {
      const own = written.get(key);
      const kind = own === undefined ? 'role' : kindOf(own);
      const other = [...written].reverse().find(([k, v]) => k !== key && kindOf(v) === kind);
      if (other === undefined) return inner.get(key);
      store.swaps += 1;
      return other[1];
    },
    async set(key: string, value: string, ttlMs: number) {
      written.set(key, value);
      await inner.set(key, value, ttlMs);
    },
    delete: (key: string) => inner.delete(key),
  };
  return store;
}

const USERS = ['ann', 'ben', 'cat', 'dan', 'eve'];

describe('a store that answers other keys’ values', () => {
  it('makes 0 wrong-user sessions: every swapped value is refused and the user is loaded for themselves', async () => {
    const store = swappingStore();
    const replicaA = fakeTip(clock, { cache: { store } });
    const replicaB = fakeTip(clock, { cache: { store } });
    let wrong = 0;
    let checked = 0;
    for (const [round, tip] of [replicaA.tip, replicaB.tip, replicaA.tip].entries()) {
      if (round === 2) tip.clearCache();
      for (const user of USERS) {
        const session = await tip.forToken(fakeJwt(user, `${user}-${round}`));
        const credentials = await session.credentials();
        checked += 1;
        if (
          userOfSessionToken(credentials.sessionToken) !== idcUserIdOf(user) ||
          session.identity.idcUserId !== idcUserIdOf(user)
        )
          wrong += 1;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(checked).toBe(15);
    expect(store.swaps).toBeGreaterThan(0);
    expect(wrong).toBe(0);
    const events = [...replicaA.events, ...replicaB.events];
    expect(events.filter((e) => e.type === 'cache.store' && e.outcome === 'rejected')).not.toHaveLength(0);
    expect(
      events.every((e) => e.type !== 'cache.store' || e.outcome !== 'rejected' || e.reason === 'foreign'),
    ).toBe(true);
  });

  it('refuses a value whose embedded identity was edited to name the key asked for only in part', async () => {
    const inner = createMemoryCacheStore({ clock });
    const store: CacheStore = {
      get: inner.get,
      delete: inner.delete,
      // Rewrites the subject of every binding: the value then names a key nobody asked for.
      set: (key, value, ttl) => inner.set(key, value.replace(/"(ann|ben)"/, '"zed"'), ttl),
    };
    const { tip, events } = fakeTip(clock, { cache: { store } });
    await tip.forToken(fakeJwt('ann', 'edit-1'));
    tip.clearCache();
    const again = await tip.forToken(fakeJwt('ann', 'edit-2'));
    expect(userOfSessionToken((await again.credentials()).sessionToken)).toBe(idcUserIdOf('ann'));
    expect(events.some((e) => e.type === 'cache.store' && e.reason === 'foreign')).toBe(true);
  });
});
