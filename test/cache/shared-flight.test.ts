import { describe, expect, it } from 'vitest';
import { createMemo } from '../../src/cache/memo.js';
import { createMemoryCacheLock } from '../../src/cache/memory-lock.js';
import { createMemoryCacheStore } from '../../src/cache/memory-store.js';
import type { CacheLock, CacheStore, Expiring, MemoEvent, MemoOptions } from '../../src/cache/types.js';
import { isTipError } from '../../src/errors.js';

const HOUR = 3_600_000;
const codec = {
  encode: (e: Expiring<string>) => JSON.stringify(e),
  decode: (t: string) => JSON.parse(t) as Expiring<string>,
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `k` memos ("replicas") over one store, and a loader that counts its runs and takes `ms`. */
function replicas(k: number, store: CacheStore, options: Partial<MemoOptions<string>> = {}) {
  const events: MemoEvent[] = [];
  const memos = Array.from({ length: k }, () =>
    createMemo<string>({ store, codec, onEvent: (e) => events.push(e), ...options }),
  );
  let loads = 0;
  const loader =
    (ms = 30) =>
    async () => {
      loads += 1;
      await sleep(ms);
      return { value: `v${loads}`, expiresAt: Date.now() + HOUR };
    };
  return { memos, events, loader, loads: () => loads };
}

describe('single flight across processes (a store with a lock)', () => {
  it('loads once when K replicas miss the same key at once; the others read its value from the store', async () => {
    const { memos, loader, loads } = replicas(6, createMemoryCacheStore());
    const load = loader();
    const values = await Promise.all(memos.flatMap((m) => [m.get('k', load), m.get('k', load)]));
    expect(loads()).toBe(1);
    expect(new Set(values)).toEqual(new Set(['v1']));
  });

  it('without a lock each replica loads on its own (the contrast)', async () => {
    const plain = createMemoryCacheStore();
    const store: CacheStore = { get: plain.get, set: plain.set, delete: plain.delete };
    const { memos, loader, loads } = replicas(4, store);
    const load = loader();
    await Promise.all(memos.map((m) => m.get('k', load)));
    expect(loads()).toBe(4);
  });

  it('keeps the lock through a load longer than its lease (renewals), so nobody loads twice', async () => {
    const { memos, loader, loads } = replicas(3, createMemoryCacheStore(), { lockLeaseMs: 200 });
    const load = loader(700);
    await Promise.all(memos.map((m) => m.get('k', load)));
    expect(loads()).toBe(1);
  });

  it('takes over from a holder that died: its lease expires and one waiter loads', async () => {
    const store = createMemoryCacheStore();
    // A replica took the lock and died without releasing it.
    expect(await store.lock!.acquire('k', 150)).toBeDefined();
    const { memos, loader, loads } = replicas(3, store);
    const started = Date.now();
    const values = await Promise.all(memos.map((m) => m.get('k', loader())));
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(loads()).toBe(1);
    expect(new Set(values)).toEqual(new Set(['v1']));
  });

  it('waits at most lockWaitMs for a holder that never finishes, then loads on its own', async () => {
    const store = createMemoryCacheStore();
    const lease = await store.lock!.acquire('k', HOUR);
    expect(lease).toBeDefined();
    const { memos, events, loader, loads } = replicas(1, store, { lockWaitMs: 60 });
    expect(await memos[0]!.get('k', loader(1))).toBe('v1');
    expect(loads()).toBe(1);
    expect(events.find((e) => e.type === 'lock-timeout')).toMatchObject({ key: 'k' });
  });

  it('stops waiting when the caller aborts, without loading', async () => {
    const store = createMemoryCacheStore();
    await store.lock!.acquire('k', HOUR);
    const { memos, loader, loads } = replicas(1, store);
    const controller = new AbortController();
    const pending = memos[0]!.get('k', loader(), { signal: controller.signal });
    await sleep(30);
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    expect(isTipError(error, 'ERR_ABORTED')).toBe(true);
    await sleep(50);
    expect(loads()).toBe(0);
  });

  it('loads without the lock when the lock fails or never answers (bounded by storeTimeoutMs)', async () => {
    for (const acquire of [
      async () => {
        throw new Error('lock down');
      },
      () => new Promise<undefined>(() => undefined),
    ] as CacheLock['acquire'][]) {
      const inner = createMemoryCacheStore();
      const store: CacheStore = { get: inner.get, set: inner.set, delete: inner.delete, lock: { acquire } };
      const { memos, events, loader, loads } = replicas(1, store, { storeTimeoutMs: 20 });
      expect(await memos[0]!.get('k', loader(1))).toBe('v1');
      expect(loads()).toBe(1);
      expect(events.find((e) => e.type === 'store-error')).toMatchObject({ operation: 'lock' });
    }
  });

  it('tells the loader whether it holds the lock: yes with it, no without it, no once a renewal lost it', async () => {
    const seen: boolean[] = [];
    const probe = async (ctx: { holdsLock?: boolean }) => {
      seen.push(ctx.holdsLock === true);
      return { value: 'v', expiresAt: Date.now() + HOUR };
    };
    await createMemo<string>({ store: createMemoryCacheStore(), codec }).get('k', probe);
    const inner = createMemoryCacheStore();
    const unlocked: CacheStore = { get: inner.get, set: inner.set, delete: inner.delete };
    await createMemo<string>({ store: unlocked, codec }).get('k', probe);
    await createMemo<string>({}).get('k', probe);
    expect(seen).toEqual([true, false, false]);
    // A lease whose renewals find the lock lost: the load goes on, no longer holding it.
    const losing: CacheLock = {
      acquire: async () => ({ renew: async () => false, release: async () => undefined }),
    };
    const during: boolean[] = [];
    const fresh = createMemoryCacheStore();
    const store: CacheStore = { get: fresh.get, set: fresh.set, delete: fresh.delete, lock: losing };
    const memo = createMemo<string>({ store, codec, lockLeaseMs: 30 });
    await memo.get('k', async (ctx) => {
      during.push(ctx.holdsLock === true);
      await sleep(60);
      during.push(ctx.holdsLock === true);
      return { value: 'v', expiresAt: Date.now() + HOUR };
    });
    expect(during).toEqual([true, false]);
  });

  it('a forced refresh takes the lock and does not settle for the value in the store', async () => {
    const { memos, loader, loads } = replicas(2, createMemoryCacheStore());
    const load = loader(5);
    expect(await memos[0]!.get('k', load)).toBe('v1');
    expect(await memos[1]!.get('k', load)).toBe('v1');
    expect(await memos[1]!.get('k', load, { forceRefresh: true })).toBe('v2');
    expect(loads()).toBe(2);
    memos[0]!.clear();
    expect(await memos[0]!.get('k', load)).toBe('v2');
  });

  it('an in-process lock frees itself by expiry and never releases another holder’s lock', async () => {
    let now = 0;
    const lock = createMemoryCacheLock(() => now);
    const first = await lock.acquire('k', 100);
    expect(await lock.acquire('k', 100)).toBeUndefined();
    now = 101;
    expect(await first!.renew(100)).toBe(false);
    const second = await lock.acquire('k', 100);
    expect(second).toBeDefined();
    await first!.release();
    expect(await lock.acquire('k', 100)).toBeUndefined();
    expect(await second!.renew(100)).toBe(true);
    await second!.release();
    expect(await lock.acquire('k', 100)).toBeDefined();
  });
});
