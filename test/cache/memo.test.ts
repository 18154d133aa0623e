import { describe, expect, it } from 'vitest';
import { createMemo } from '../../src/cache/memo.js';
import { createMemoryCacheStore } from '../../src/cache/memory-store.js';
import type { Expiring, LoadContext, MemoEvent } from '../../src/cache/types.js';
import { isTipError } from '../../src/errors.js';

function clock(start = 1_000_000) {
  let t = start;
  const now = () => t;
  now.advance = (ms: number) => {
    t += ms;
  };
  return now;
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const HOUR = 3_600_000;
const flush = () => new Promise((r) => setImmediate(r));

describe('createMemo', () => {
  it('shares one in-flight load between concurrent callers', async () => {
    const now = clock();
    const memo = createMemo<string>({ clock: now });
    let loads = 0;
    const gate = deferred<Expiring<string>>();
    const load = () => {
      loads += 1;
      return gate.promise;
    };
    const all = Promise.all(Array.from({ length: 50 }, () => memo.get('k', load)));
    gate.resolve({ value: 'v1', expiresAt: now() + HOUR });
    expect(await all).toEqual(Array(50).fill('v1'));
    expect(loads).toBe(1);
    expect(await memo.get('k', load)).toBe('v1');
    expect(loads).toBe(1);
  });

  it('refreshes in the background inside the window and keeps serving the old value meanwhile', async () => {
    const now = clock();
    const memo = createMemo<string>({ clock: now });
    let n = 0;
    const gate = deferred<void>();
    const load = async () => {
      n += 1;
      if (n > 1) await gate.promise;
      return { value: `v${n}`, expiresAt: now() + HOUR };
    };
    expect(await memo.get('k', load)).toBe('v1');
    // Window for a 1 h value: min(5 min, 6 min) = 5 min.
    now.advance(HOUR - 300_001);
    expect(await memo.get('k', load)).toBe('v1');
    expect(n).toBe(1);
    now.advance(2);
    expect(await memo.get('k', load)).toBe('v1');
    expect(await memo.get('k', load)).toBe('v1');
    expect(n).toBe(2);
    gate.resolve();
    await flush();
    expect(await memo.get('k', load)).toBe('v2');
  });

  it('uses 10 % of the lifetime when that is smaller than refreshBeforeExpiryMs', async () => {
    const now = clock();
    const memo = createMemo<string>({ clock: now });
    let n = 0;
    const load = async () => ({ value: `v${++n}`, expiresAt: now() + 900_000 });
    await memo.get('k', load);
    now.advance(900_000 - 90_001);
    await memo.get('k', load);
    expect(n).toBe(1);
    now.advance(2);
    await memo.get('k', load);
    await flush();
    expect(n).toBe(2);
  });

  it('serves the cached value until real expiry when the refresh fails, and never caches the failure', async () => {
    const now = clock();
    const events: MemoEvent[] = [];
    const memo = createMemo<string>({ clock: now, onEvent: (e) => events.push(e) });
    let n = 0;
    let fail = false;
    const load = async () => {
      n += 1;
      if (fail) throw new Error('down');
      return { value: `v${n}`, expiresAt: now() + HOUR };
    };
    await memo.get('k', load);
    fail = true;
    now.advance(HOUR - 60_000);
    expect(await memo.get('k', load)).toBe('v1');
    await flush();
    expect(events.some((e) => e.type === 'load-failed' && e.servingStale)).toBe(true);
    expect(await memo.get('k', load)).toBe('v1');
    await flush();
    expect(n).toBe(2); // no new attempt within refreshRetryMs (10 s)
    now.advance(10_000);
    expect(await memo.get('k', load)).toBe('v1');
    await flush();
    expect(n).toBe(3);
    now.advance(50_000);
    await expect(memo.get('k', load)).rejects.toThrow('down');
    fail = false;
    const next = n + 1;
    expect(await memo.get('k', load)).toBe(`v${next}`);
  });

  it('returns the still-valid value when a minRemainingMs refresh fails', async () => {
    const now = clock();
    const memo = createMemo<string>({ clock: now });
    let fail = false;
    const load = async () => {
      if (fail) throw new Error('down');
      return { value: 'v', expiresAt: now() + HOUR };
    };
    await memo.get('k', load);
    fail = true;
    now.advance(HOUR - 120_000);
    expect(await memo.get('k', load, { minRemainingMs: 300_000 })).toBe('v');
    now.advance(120_000);
    await expect(memo.get('k', load, { minRemainingMs: 300_000 })).rejects.toThrow('down');
  });

  it('never lets an older load overwrite a newer result (sequence guard)', async () => {
    const now = clock();
    const memo = createMemo<string>({ clock: now });
    const slow = deferred<Expiring<string>>();
    const first = memo.get('k', () => slow.promise);
    const second = memo.get('k', async () => ({ value: 'new', expiresAt: now() + HOUR }), {
      forceRefresh: true,
    });
    expect(await second).toBe('new');
    slow.resolve({ value: 'old', expiresAt: now() + 2 * HOUR });
    // The first caller receives the newest applied value, and the cache keeps it.
    expect(await first).toBe('new');
    expect(await memo.get('k', async () => ({ value: 'x', expiresAt: now() + HOUR }))).toBe('new');
  });

  it('forceRefresh loads anew even when the value is valid and passes the previous value', async () => {
    const now = clock();
    const memo = createMemo<number>({ clock: now });
    const seen: (number | undefined)[] = [];
    const load = async (ctx: LoadContext<number>) => {
      seen.push(ctx.previous?.value);
      return { value: (ctx.previous?.value ?? 0) + 1, expiresAt: now() + HOUR };
    };
    expect(await memo.get('k', load)).toBe(1);
    expect(await memo.get('k', load, { forceRefresh: true })).toBe(2);
    expect(seen).toEqual([undefined, 1]);
  });

  it('evicts the least recently used key beyond maxEntries', async () => {
    const now = clock();
    const memo = createMemo<string>({ clock: now, maxEntries: 2 });
    let loads = 0;
    const load = (v: string) => async () => {
      loads += 1;
      return { value: v, expiresAt: now() + HOUR };
    };
    await memo.get('a', load('a'));
    await memo.get('b', load('b'));
    await memo.get('a', load('a')); // a is now most recent
    await memo.get('c', load('c')); // evicts b
    expect(memo.size).toBe(2);
    expect(memo.peek('b')).toBeUndefined();
    expect(memo.peek('a')?.value).toBe('a');
    await memo.get('b', load('b'));
    expect(loads).toBe(4);
  });

  it('aborts the waiting caller with ERR_ABORTED and the shared load when nobody waits any more', async () => {
    const now = clock();
    const memo = createMemo<string>({ clock: now });
    let loadSignal: AbortSignal | undefined;
    const gate = deferred<Expiring<string>>();
    const controller = new AbortController();
    const pending = memo.get(
      'k',
      (ctx) => {
        loadSignal = ctx.signal;
        return gate.promise;
      },
      { signal: controller.signal },
    );
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    expect(isTipError(error, 'ERR_ABORTED')).toBe(true);
    expect(loadSignal?.aborted).toBe(true);
    gate.reject(new Error('aborted'));
  });

  it('does not join a load aborted by its callers: the next caller starts a new one', async () => {
    const now = clock();
    const memo = createMemo<string>({ clock: now });
    const gate = deferred<Expiring<string>>();
    const controller = new AbortController();
    const first = memo.get('k', () => gate.promise, { signal: controller.signal });
    controller.abort();
    await expect(first).rejects.toMatchObject({ code: 'ERR_ABORTED' });
    // The aborted load has not settled yet; a new caller must not inherit its failure.
    const second = memo.get('k', async () => ({ value: 'fresh', expiresAt: now() + HOUR }));
    gate.reject(new Error('aborted'));
    expect(await second).toBe('fresh');
  });

  it('keeps a shared load running while another caller still waits', async () => {
    const now = clock();
    const memo = createMemo<string>({ clock: now });
    let loadSignal: AbortSignal | undefined;
    const gate = deferred<Expiring<string>>();
    const load = (ctx: LoadContext<string>) => {
      loadSignal = ctx.signal;
      return gate.promise;
    };
    const controller = new AbortController();
    const a = memo.get('k', load, { signal: controller.signal });
    const b = memo.get('k', load);
    controller.abort();
    await expect(a).rejects.toMatchObject({ code: 'ERR_ABORTED' });
    expect(loadSignal?.aborted).toBe(false);
    gate.resolve({ value: 'v', expiresAt: now() + HOUR });
    expect(await b).toBe('v');
  });

  it('leaves no entry for a failed load: 50 refused keys do not evict a cached one from 50 slots', async () => {
    const now = clock();
    const events: MemoEvent[] = [];
    const memo = createMemo<string>({ clock: now, maxEntries: 50, onEvent: (e) => events.push(e) });
    await memo.get('real', async () => ({ value: 'v', expiresAt: now() + HOUR }));
    const refused = async () => {
      throw new Error('refused');
    };
    // At once (all in flight together) and one after the other.
    await Promise.allSettled(Array.from({ length: 50 }, (_, i) => memo.get(`bad-${i}`, refused)));
    for (let i = 0; i < 50; i += 1) await memo.get(`worse-${i}`, refused).catch(() => undefined);
    expect(memo.size).toBe(1);
    expect(memo.peek('real')?.value).toBe('v');
    expect(events.filter((e) => e.type === 'evicted')).toHaveLength(0);
  });

  it('finishes a detached load after every caller left, caches it, and lets the next caller join it', async () => {
    const now = clock();
    const memo = createMemo<string>({ clock: now });
    let loads = 0;
    let loadSignal: AbortSignal | undefined;
    const gate = deferred<Expiring<string>>();
    const load = (ctx: LoadContext<string>) => {
      loads += 1;
      loadSignal = ctx.signal;
      ctx.detach();
      return gate.promise;
    };
    const controller = new AbortController();
    const first = memo.get('k', load, { signal: controller.signal });
    controller.abort();
    await expect(first).rejects.toMatchObject({ code: 'ERR_ABORTED' });
    expect(loadSignal?.aborted).toBe(false);
    const second = memo.get('k', load);
    gate.resolve({ value: 'v', expiresAt: now() + HOUR });
    expect(await second).toBe('v');
    expect(loads).toBe(1);
    expect(memo.peek('k')?.value).toBe('v');
  });

  it('caches a detached load that ends while nobody waits', async () => {
    const now = clock();
    const memo = createMemo<string>({ clock: now });
    const gate = deferred<Expiring<string>>();
    const controller = new AbortController();
    const first = memo.get(
      'k',
      (ctx) => {
        ctx.detach();
        return gate.promise;
      },
      { signal: controller.signal },
    );
    controller.abort();
    await expect(first).rejects.toMatchObject({ code: 'ERR_ABORTED' });
    gate.resolve({ value: 'late', expiresAt: now() + HOUR });
    await flush();
    expect(memo.peek('k')?.value).toBe('late');
    expect(memo.size).toBe(1);
  });

  it('refuses a loader result without a finite expiry and caches nothing', async () => {
    const now = clock();
    const memo = createMemo<string>({ clock: now });
    await expect(memo.get('k', async () => ({ value: 'v', expiresAt: Number.NaN }))).rejects.toThrow(
      TypeError,
    );
    expect(memo.peek('k')).toBeUndefined();
  });

  it('reads a shared store on a miss and writes it after a load', async () => {
    const now = clock();
    const store = createMemoryCacheStore({ clock: now });
    const codec = {
      encode: (e: Expiring<string>) => JSON.stringify(e),
      decode: (t: string) => JSON.parse(t) as Expiring<string>,
    };
    const a = createMemo<string>({ clock: now, store, codec });
    const b = createMemo<string>({ clock: now, store, codec });
    let loads = 0;
    const load = async () => ({ value: `v${++loads}`, expiresAt: now() + HOUR });
    expect(await a.get('k', load)).toBe('v1');
    await flush();
    expect(await b.get('k', load)).toBe('v1');
    expect(loads).toBe(1);
  });

  it('does not write back a load that was in flight when its key was deleted', async () => {
    const now = clock();
    const store = createMemoryCacheStore({ clock: now });
    const codec = {
      encode: (e: Expiring<string>) => JSON.stringify(e),
      decode: (t: string) => JSON.parse(t) as Expiring<string>,
    };
    const memo = createMemo<string>({ clock: now, store, codec });
    const gate = deferred<Expiring<string>>();
    const pending = memo.get('k', () => gate.promise);
    await flush();
    await memo.delete('k');
    gate.resolve({ value: 'v1', expiresAt: now() + HOUR });
    expect(await pending).toBe('v1');
    await flush();
    expect(await store.get('k')).toBeUndefined();
    expect(memo.peek('k')).toBeUndefined();
  });

  it('falls back to loading when the store fails or holds garbage', async () => {
    const now = clock();
    const events: MemoEvent[] = [];
    const memo = createMemo<string>({
      clock: now,
      store: {
        get: async () => '{not json',
        set: async () => {
          throw new Error('redis down');
        },
        delete: async () => undefined,
      },
      codec: { encode: (e) => JSON.stringify(e), decode: (t) => JSON.parse(t) as Expiring<string> },
      onEvent: (e) => events.push(e),
    });
    expect(await memo.get('k', async () => ({ value: 'v', expiresAt: now() + HOUR }))).toBe('v');
    await flush();
    expect(events.filter((e) => e.type === 'store-error')).toMatchObject([{ operation: 'write' }]);
    expect(events.filter((e) => e.type === 'store-rejected')).toMatchObject([{ reason: 'malformed' }]);
  });

  it('loads instead of hanging when the store never answers a read', async () => {
    const now = clock();
    const events: MemoEvent[] = [];
    let loads = 0;
    const memo = createMemo<string>({
      clock: now,
      storeTimeoutMs: 5,
      store: {
        get: () => new Promise<string | undefined>(() => undefined),
        set: async () => undefined,
        delete: async () => undefined,
      },
      codec: { encode: (e) => JSON.stringify(e), decode: (t) => JSON.parse(t) as Expiring<string> },
      onEvent: (e) => events.push(e),
    });
    const load = async () => {
      loads += 1;
      return { value: 'v', expiresAt: now() + HOUR };
    };
    expect(await memo.get('k', load)).toBe('v');
    expect(loads).toBe(1);
    expect(events.filter((e) => e.type === 'store-error')).toHaveLength(1);
  });

  it('validates its options', () => {
    expect(() => createMemo({ storeTimeoutMs: 0 })).toThrow(/cache.storeTimeoutMs/);
    expect(() => createMemo({ maxEntries: 0 })).toThrow(/cache.maxEntries/);
    expect(() => createMemo({ refreshFraction: 2 })).toThrow(/cache.refreshFraction/);
    expect(() => createMemo({ store: createMemoryCacheStore() })).toThrow(/cache.codec/);
  });
});
