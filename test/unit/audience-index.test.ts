/** The audience lists remembered per user for `forget`: every list once, forgotten when taken, bounded. */
import { describe, expect, it } from 'vitest';
import { createAudienceIndex } from '../../src/session/audience-index.js';

describe('audience index', () => {
  it('gives back every distinct list of a user once, then nothing', () => {
    const index = createAudienceIndex();
    index.remember('iss', 'alice', ['a']);
    index.remember('iss', 'alice', ['a']);
    index.remember('iss', 'alice', ['b', 'c']);
    index.remember('iss', 'bob', ['a']);
    index.remember('other', 'alice', ['z']);
    expect(index.take('iss', 'alice')).toEqual([['a'], ['b', 'c']]);
    expect(index.take('iss', 'alice')).toEqual([]);
    expect(index.take('iss', 'bob')).toEqual([['a']]);
    expect(index.take('other', 'alice')).toEqual([['z']]);
  });

  it('keeps users apart whatever their names hold (no separator collision)', () => {
    const index = createAudienceIndex();
    index.remember('a', 'b\u0000c', ['x']);
    expect(index.take('a\u0000b', 'c')).toEqual([]);
    expect(index.take('a', 'b\u0000c')).toEqual([['x']]);
  });

  it('holds at most maxUsers users, the oldest forgotten first; clear forgets all', () => {
    const index = createAudienceIndex(2);
    for (const user of ['u1', 'u2', 'u3']) index.remember('iss', user, ['a']);
    expect(['u1', 'u2', 'u3'].map((u) => index.take('iss', u).length)).toEqual([0, 1, 1]);
    index.remember('iss', 'u4', ['a']);
    index.clear();
    expect(index.take('iss', 'u4')).toEqual([]);
  });
});
