import { describe, expect, it } from 'vitest';
import type { IssuerState } from '../../src/jwt/issuer-state.js';
import type { KeyEntry } from '../../src/jwt/jwk.js';
import { type CachedToken, TokenCache } from '../../src/jwt/token-cache.js';
import type { VerifiedJwt } from '../../src/jwt/types.js';

const issuer = { policy: { toleranceMs: 0 } } as unknown as IssuerState;
const entry = (expMs: number, key = { alive: true } as KeyEntry): CachedToken => ({
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
    cache.set('a', entry(1e15), 0);
    cache.set('b', entry(1e15), 0);
    cache.set('c', entry(1e15), 0);
    expect(cache.get('a')).toBeDefined(); // "a" is used: "b" goes first
    cache.set('d', entry(1e15), 0);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.size).toBe(3);
  });

  it('sweeps expired entries and entries of dead keys periodically', () => {
    const cache = new TokenCache(4);
    const dead = { alive: true } as KeyEntry;
    cache.set('expired', entry(1_000), 0);
    cache.set('dead', entry(1e15, dead), 0);
    cache.set('live', entry(1e15), 0);
    dead.alive = false;
    cache.set('fourth', entry(1e15), 2_000); // the 4th insert sweeps at t = 2 s
    expect(cache.get('expired')).toBeUndefined();
    expect(cache.get('dead')).toBeUndefined();
    expect(cache.get('live')).toBeDefined();
    expect(cache.size).toBe(2);
  });

  it('holds nothing with capacity 0', () => {
    const cache = new TokenCache(0);
    cache.set('a', entry(1e15), 0);
    expect(cache.size).toBe(0);
  });
});
