import { describe, expect, it } from 'vitest';
import { evictOldest } from '../../src/cache/second-chance.js';

const map = (...entries: [string, boolean][]) =>
  new Map(entries.map(([k, used]) => [k, { used }] as [string, { used: boolean }]));

describe('evictOldest', () => {
  it('evicts the oldest unused entry, moving used ones to the end with their flag cleared', () => {
    const m = map(['a', true], ['b', false], ['c', false]);
    expect(evictOldest(m)).toBe('b');
    expect([...m.keys()]).toEqual(['c', 'a']);
    expect(m.get('a')?.used).toBe(false);
  });

  it('passes over at most eight used entries, then evicts the next whatever its flag', () => {
    const m = map(...Array.from({ length: 12 }, (_, i) => [`k${i}`, true] as [string, boolean]));
    expect(evictOldest(m)).toBe('k8');
    expect(m.size).toBe(11);
    expect([...m.keys()].slice(-8)).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7']);
  });

  it('evicts a used entry when every entry was used and there are fewer than eight', () => {
    const m = map(['a', true], ['b', true]);
    expect(evictOldest(m)).toBe('a');
    expect([...m.keys()]).toEqual(['b']);
  });

  it('returns undefined on an empty map', () => {
    expect(evictOldest(new Map<string, { used: boolean }>())).toBeUndefined();
  });
});
