import { type SecondChance, evictOldest } from '../cache/second-chance.js';
import type { KeyEntry } from './jwk.js';
import type { IssuerState } from './issuer-state.js';
import type { VerifiedJwt } from './types.js';

/** A verified token remembered under the whole token. */
export interface CachedToken extends SecondChance {
  readonly result: VerifiedJwt;
  readonly expMs: number;
  readonly nbfMs: number | undefined;
  readonly key: KeyEntry;
  readonly issuer: IssuerState;
  /**
   * What the trusted identity that created this verifier keeps for the token (its session), so a resent
   * token is served from one lookup. Lives and goes with the entry.
   */
  attached: unknown;
}

/**
 * A bounded, approximately least-recently-used map of verified tokens, keyed by the whole token: only the
 * very same string hits an entry. The token is held in memory (never logged, never written anywhere) for
 * as long as its entry lives: until it is evicted, or swept once past the token's `exp`.
 */
export class TokenCache {
  private readonly map = new Map<string, CachedToken>();
  private insertsSinceSweep = 0;

  constructor(private readonly max: number) {}

  get size(): number {
    return this.map.size;
  }

  get(token: string): CachedToken | undefined {
    const hit = this.map.get(token);
    // A flag instead of re-inserting keeps hits free of Map writes.
    if (hit !== undefined) hit.used = true;
    return hit;
  }

  /**
   * Remembers a verified token. Every `max` inserts, expired entries are swept, so memory is not held past
   * `exp` for long even when no one asks for those tokens again (amortized: one entry checked per insert).
   */
  set(token: string, entry: CachedToken, nowMs: number): void {
    if (this.max === 0) return;
    if (++this.insertsSinceSweep >= this.max) {
      this.insertsSinceSweep = 0;
      this.sweep(nowMs);
    }
    if (this.map.size >= this.max && !this.map.has(token)) evictOldest(this.map);
    this.map.set(token, entry);
  }

  /** The entry of `token`, without marking it used. */
  peek(token: string): CachedToken | undefined {
    return this.map.get(token);
  }

  delete(token: string): void {
    this.map.delete(token);
  }

  /** Drops every entry whose key left its JWKS or whose token expired by `nowMs`. */
  sweep(nowMs: number): void {
    for (const [token, e] of this.map) {
      if (!e.key.alive || nowMs >= e.expMs + e.issuer.policy.toleranceMs) this.map.delete(token);
    }
  }
}
