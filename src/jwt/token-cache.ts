import { type SecondChance, evictOldest } from '../cache/second-chance.js';
import type { KeyEntry } from './jwk.js';
import type { IssuerState } from './issuer-state.js';
import type { VerifiedJwt } from './types.js';

/** A verified token remembered under the SHA-256 digest of the whole token. */
export interface CachedToken extends SecondChance {
  readonly result: VerifiedJwt;
  readonly expMs: number;
  readonly nbfMs: number | undefined;
  readonly key: KeyEntry;
  readonly issuer: IssuerState;
}

/**
 * A bounded, approximately least-recently-used map of verified tokens. The key is a digest of the whole token, so a
 * different token can never hit an entry; the token itself is never stored.
 */
export class TokenCache {
  private readonly map = new Map<string, CachedToken>();
  private insertsSinceSweep = 0;

  constructor(private readonly max: number) {}

  get size(): number {
    return this.map.size;
  }

  get(digest: string): CachedToken | undefined {
    const hit = this.map.get(digest);
    // A flag instead of re-inserting keeps hits free of Map writes.
    if (hit !== undefined) hit.used = true;
    return hit;
  }

  /**
   * Remembers a verified token. Every `max` inserts, expired entries are swept, so memory is not held past
   * `exp` for long even when no one asks for those tokens again (amortized: one entry checked per insert).
   */
  set(digest: string, entry: CachedToken, nowMs: number): void {
    if (this.max === 0) return;
    if (++this.insertsSinceSweep >= this.max) {
      this.insertsSinceSweep = 0;
      this.sweep(nowMs);
    }
    if (this.map.size >= this.max && !this.map.has(digest)) evictOldest(this.map);
    this.map.set(digest, entry);
  }

  delete(digest: string): void {
    this.map.delete(digest);
  }

  /** Drops every entry whose key left its JWKS or whose token expired by `nowMs`. */
  sweep(nowMs: number): void {
    for (const [digest, e] of this.map) {
      if (!e.key.alive || nowMs >= e.expMs + e.issuer.policy.toleranceMs) this.map.delete(digest);
    }
  }
}
