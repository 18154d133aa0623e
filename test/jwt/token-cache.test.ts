import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IssuerState } from '../../src/jwt/issuer-state.js';
import type { KeyEntry } from '../../src/jwt/jwk.js';
import { type CachedToken, TokenCache } from '../../src/jwt/token-cache.js';
import type { VerifiedJwt } from '../../src/jwt/types.js';

const issuer = { policy: { toleranceMs: 0 } } as unknown as IssuerState;
const entry = (token: string, expMs: number, key = { alive: true } as KeyEntry): CachedToken => ({
  token,
  result: {} as VerifiedJwt,
  expMs,
  nbfMs: undefined,
  key,
  issuer,
  used: false,
  attached: undefined,
});

describe('TokenCache', () => {
  it('evicts the oldest entry not used since, giving used ones a second chance', () => {
    const cache = new TokenCache(3);
    cache.set(entry('a', 1e15), 0);
    cache.set(entry('b', 1e15), 0);
    cache.set(entry('c', 1e15), 0);
    expect(cache.get('a')).toBeDefined(); // "a" is used: "b" goes first
    cache.set(entry('d', 1e15), 0);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.size).toBe(3);
  });

  it('sweeps expired entries and entries of dead keys periodically', () => {
    const cache = new TokenCache(4);
    const dead = { alive: true } as KeyEntry;
    cache.set(entry('expired', 1_000), 0);
    cache.set(entry('dead', 1e15, dead), 0);
    cache.set(entry('live', 1e15), 0);
    dead.alive = false;
    cache.set(entry('fourth', 1e15), 2_000); // the 4th insert sweeps at t = 2 s
    expect(cache.get('expired')).toBeUndefined();
    expect(cache.get('dead')).toBeUndefined();
    expect(cache.get('live')).toBeDefined();
    expect(cache.size).toBe(2);
  });

  it('hits only the very same token, though tokens sharing an ending share an index', () => {
    const tail = 'S'.repeat(40);
    const a = `header.payload-a.${tail}`;
    const b = `header.payload-b.${tail}`;
    const cache = new TokenCache(10);
    cache.set(entry(a, 1e15), 0);
    expect(cache.get(a)?.token).toBe(a);
    // A copy built anew (as a request header is) hits; another token with the same ending does not.
    expect(cache.get(Buffer.from(a).toString('latin1'))?.token).toBe(a);
    expect(cache.get(b)).toBeUndefined();
    expect(cache.peek(b)).toBeUndefined();
    cache.delete(b);
    expect(cache.peek(a)?.token).toBe(a);
    // The later of two such tokens takes the index; the earlier then misses (and is verified again).
    cache.set(entry(b, 1e15), 0);
    expect(cache.get(b)?.token).toBe(b);
    expect(cache.get(a)).toBeUndefined();
    expect(cache.size).toBe(1);
    cache.delete(b);
    expect(cache.size).toBe(0);
  });

  it('gives tokens that differ only in their signatures entries of their own', () => {
    // RS256-sized signatures: 342 base64url characters whose last one carries 2 bits.
    const tokens = Array.from({ length: 2_000 }, () => `h.p.${randomBytes(256).toString('base64url')}`);
    const cache = new TokenCache(2_000);
    for (const t of tokens) cache.set(entry(t, 1e15), 0);
    // An index of 30 bits: 2,000 tokens share one with a chance of about 1 in 500; an index of the last
    // character alone would keep 4 entries.
    expect(cache.size).toBeGreaterThanOrEqual(1_998);
    const hits = tokens.filter((t) => cache.get(Buffer.from(t).toString('latin1'))?.token === t).length;
    expect(hits).toBe(cache.size);
  });

  it('never answers a token with the entry of another (property)', () => {
    const token = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', 'b', '.', '-'), maxLength: 12 }),
      fc.string({ unit: fc.constantFrom('x', 'y'), minLength: 30, maxLength: 40 }),
    );
    const op = fc.record({ set: fc.boolean(), token });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.integer({ min: 1, max: 8 }), (ops, max) => {
        const cache = new TokenCache(max);
        for (const { set, token: t } of ops) {
          if (set) {
            cache.set(entry(t, 1e15), 0);
            // The token just set is there, whatever shares its index.
            expect(cache.peek(t)?.token).toBe(t);
          } else {
            const hit = cache.get(t);
            expect(hit === undefined || hit.token === t).toBe(true);
          }
          expect(cache.size).toBeLessThanOrEqual(max);
        }
      }),
    );
  });

  it('holds nothing with capacity 0', () => {
    const cache = new TokenCache(0);
    cache.set(entry('a', 1e15), 0);
    expect(cache.size).toBe(0);
  });
});
