import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SecondChanceMap } from '../../src/cache/second-chance.js';

type E = { used: boolean; id: number };
let ids = 0;
const entry = (used = false): E => ({ used, id: ids++ });

function mapOf(...entries: [string, boolean][]): SecondChanceMap<string, E> {
  const m = new SecondChanceMap<string, E>();
  for (const [k, used] of entries) m.set(k, entry(used));
  return m;
}

const drain = (m: SecondChanceMap<string, E>) => {
  const out: string[] = [];
  for (let k = m.evictOldest(); k !== undefined; k = m.evictOldest()) out.push(k);
  return out;
};

describe('SecondChanceMap', () => {
  it('evicts the oldest unused entry; a used one is passed over once, its flag cleared', () => {
    const m = mapOf(['a', true], ['b', false], ['c', false]);
    expect(m.evictOldest()).toBe('b');
    expect(m.get('a')?.used).toBe(false);
    expect(m.has('b')).toBe(false);
    // a went to the end of the queue, behind c.
    expect(drain(m)).toEqual(['c', 'a']);
  });

  it('passes over at most eight used entries, then evicts the next whatever its flag', () => {
    const m = mapOf(...Array.from({ length: 12 }, (_, i) => [`k${i}`, true] as [string, boolean]));
    expect(m.evictOldest()).toBe('k8');
    expect(m.size).toBe(11);
    // k9–k11 still hold their flags: passed over once more, behind k0–k7, whose flags were cleared.
    expect(drain(m)).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k9', 'k10', 'k11']);
  });

  it('evicts a used entry when every entry was used and there are fewer than eight', () => {
    const m = mapOf(['a', true], ['b', true]);
    expect(m.evictOldest()).toBe('a');
    expect([...m.keys()]).toEqual(['b']);
  });

  it('skips entries deleted since; a key set to a new value queues at the end', () => {
    const m = mapOf(['a', false], ['b', false], ['c', false]);
    m.delete('a');
    m.set('b', entry());
    const c = m.get('c')!;
    m.set('c', c); // the same value again: its place in the queue stays
    expect(drain(m)).toEqual(['c', 'b']);
  });

  it('calls onEvict with the evicted entry; returns undefined when empty, also after clear()', () => {
    const m = mapOf(['a', false]);
    const a = m.get('a');
    const seen: E[] = [];
    expect(m.evictOldest((e) => seen.push(e))).toBe('a');
    expect(seen).toEqual([a]);
    expect(m.evictOldest()).toBeUndefined();
    m.set('x', entry());
    m.clear();
    expect(m.evictOldest()).toBeUndefined();
    m.set('y', entry());
    expect(drain(m)).toEqual(['y']);
  });

  it('property: evicts as a plain queue model of the same rules does, through any operations', () => {
    type Op =
      | { op: 'set'; key: number }
      | { op: 'delete'; key: number }
      | { op: 'hit'; key: number }
      | { op: 'evict' }
      | { op: 'clear' };
    const key = fc.integer({ min: 0, max: 40 });
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 5, arbitrary: key.map((k) => ({ op: 'set' as const, key: k })) },
      { weight: 1, arbitrary: key.map((k) => ({ op: 'delete' as const, key: k })) },
      { weight: 3, arbitrary: key.map((k) => ({ op: 'hit' as const, key: k })) },
      { weight: 4, arbitrary: fc.constant({ op: 'evict' as const }) },
      { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 3000 }), (ops) => {
        const m = new SecondChanceMap<number, E>();
        // The model: keys in queue order, each with a flag of its own (the map's entries keep theirs), and
        // what is present.
        let queue: { key: number; used: boolean }[] = [];
        const present = new Map<number, E>();
        for (const o of ops) {
          if (o.op === 'set') {
            const e = entry();
            m.set(o.key, e);
            queue = queue.filter((q) => q.key !== o.key);
            queue.push({ key: o.key, used: false });
            present.set(o.key, e);
          } else if (o.op === 'delete') {
            m.delete(o.key);
            queue = queue.filter((q) => q.key !== o.key);
            present.delete(o.key);
          } else if (o.op === 'hit') {
            const e = m.get(o.key);
            if (e) e.used = true;
            const q = queue.find((r) => r.key === o.key);
            if (q) q.used = true;
          } else if (o.op === 'clear') {
            m.clear();
            queue = [];
            present.clear();
          } else {
            let expected: number | undefined;
            for (let chances = 8; queue.length > 0; chances--) {
              const q = queue.shift()!;
              if (!q.used || chances === 0) {
                expected = q.key;
                present.delete(q.key);
                break;
              }
              q.used = false;
              queue.push(q);
            }
            expect(m.evictOldest()).toBe(expected);
          }
          expect(m.size).toBe(present.size);
        }
        expect([...m.entries()].sort((a, b) => a[0] - b[0])).toEqual(
          [...present.entries()].sort((a, b) => a[0] - b[0]),
        );
      }),
      { numRuns: 200 },
    );
  });
});
