/**
 * Memo handles: a synchronous hit through an entry held by the caller serves only while the entry is in
 * the LRU, holds a usable value and is not due for an early refresh.
 */
import { describe, expect, it } from 'vitest';
import { createMemo } from '../../src/cache/memo.js';
import type { MemoEvent } from '../../src/cache/types.js';

function setup(maxEntries = 10) {
  let now = 1_000_000;
  const events: MemoEvent[] = [];
  const memo = createMemo<string>({
    maxEntries,
    clock: () => now,
    refreshBeforeExpiryMs: 100,
    refreshFraction: 1,
    onEvent: (e) => events.push(e),
  });
  let loads = 0;
  const load = (value: string) => async () => {
    loads += 1;
    return { value, expiresAt: now + 1_000 };
  };
  return {
    memo,
    events,
    load,
    loads: () => loads,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('memo handles', () => {
  it('has no handle for a key without a value', async () => {
    const { memo } = setup();
    expect(memo.handle('a')).toBeUndefined();
  });

  it('serves the value through its handle, counting a hit, until the refresh window', async () => {
    const { memo, events, load, loads, advance } = setup();
    await memo.get('a', load('A'));
    const handle = memo.handle('a')!;
    expect(memo.hot(handle)).toBe('A');
    expect(events.filter((e) => e.type === 'hit')).toEqual([{ type: 'hit', key: 'a' }]);
    advance(899);
    expect(memo.hot(handle)).toBe('A');
    advance(1); // 100 ms before expiry: due for an early refresh, which only get() starts
    expect(memo.hot(handle)).toBeUndefined();
    expect(await memo.get('a', load('A2'))).toBe('A');
    expect(loads()).toBe(2);
  });

  it('serves the refreshed value through the same handle', async () => {
    const { memo, load, advance } = setup();
    await memo.get('a', load('A'));
    const handle = memo.handle('a')!;
    advance(950);
    await memo.get('a', load('A2'));
    await new Promise((r) => setTimeout(r, 0));
    expect(memo.hot(handle)).toBe('A2');
  });

  it('serves nothing once the entry is deleted, cleared or evicted', async () => {
    const { memo, load } = setup(1);
    await memo.get('a', load('A'));
    const a = memo.handle('a')!;
    await memo.get('b', load('B')); // evicts a (maxEntries 1)
    expect(memo.hot(a)).toBeUndefined();
    const b = memo.handle('b')!;
    await memo.delete('b');
    expect(memo.hot(b)).toBeUndefined();
    await memo.get('c', load('C'));
    const c = memo.handle('c')!;
    memo.clear();
    expect(memo.hot(c)).toBeUndefined();
    // A key loaded again gets a new entry; the old handle stays dead.
    await memo.get('a', load('A again'));
    expect(memo.hot(a)).toBeUndefined();
    expect(memo.hot(memo.handle('a')!)).toBe('A again');
  });

  it('marks the entry used, so eviction passes it over', async () => {
    const { memo, load } = setup(2);
    await memo.get('a', load('A'));
    await memo.get('b', load('B'));
    memo.hot(memo.handle('a')!);
    await memo.get('c', load('C')); // evicts b, the oldest not used
    expect(memo.peek('a')?.value).toBe('A');
    expect(memo.peek('b')).toBeUndefined();
  });
});
