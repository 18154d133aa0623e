import { type SecondChance, SecondChanceMap } from '../cache/second-chance.js';
import type { KeyEntry } from './jwk.js';
import type { IssuerState } from './issuer-state.js';
import type { VerifiedJwt } from './types.js';

/** A verified token remembered under the whole token. */
export interface CachedToken extends SecondChance {
  /** The token itself: only this very string hits the entry. */
  readonly token: string;
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
 * The index of a token's entry: a 30-bit number (a small integer, which a Map compares and hashes without
 * reading any string) mixed from the token's length and its last 8 characters, the end of the signature
 * (44 bits or more: the last character carries 2 to 6). A token read from a request is a new
 * string each time, and hashing all of it (about 1 ns per character) would be most of a warm lookup; the
 * whole token is then compared, so two tokens sharing an index never share an entry: the later replaces
 * the earlier, which is verified again when it comes back. Only verified tokens are inserted, and their
 * signatures are the issuer's, so no sender chooses the indexes that tokens land on.
 */
function indexOf(token: string): number {
  let h = token.length;
  for (let i = token.length - 1, end = token.length - 9; i > end && i >= 0; i--) {
    h = (Math.imul(h, 0x01000193) ^ token.charCodeAt(i)) | 0;
  }
  return h & 0x3fffffff;
}

/**
 * A bounded, approximately least-recently-used map of verified tokens: only the very same string hits an
 * entry. The token is held in memory (never logged, never written anywhere) for as long as its entry
 * lives: until it is evicted, or swept once past the token's `exp`.
 */
export class TokenCache {
  private readonly map = new SecondChanceMap<number, CachedToken>();
  private insertsSinceSweep = 0;

  constructor(private readonly max: number) {}

  get size(): number {
    return this.map.size;
  }

  /** The entry of `token`, marked used. */
  get(token: string): CachedToken | undefined {
    const hit = this.peek(token);
    // A flag instead of re-inserting keeps hits free of Map writes.
    if (hit !== undefined) hit.used = true;
    return hit;
  }

  /**
   * Remembers a verified token (`entry.token`), replacing any entry that shares its index. Every `max`
   * inserts, expired entries are swept, so memory is not held past `exp` for long even when no one asks
   * for those tokens again (amortized: one entry checked per insert).
   */
  set(entry: CachedToken, nowMs: number): void {
    if (this.max === 0) return;
    if (++this.insertsSinceSweep >= this.max) {
      this.insertsSinceSweep = 0;
      this.sweep(nowMs);
    }
    const index = indexOf(entry.token);
    if (this.map.size >= this.max && !this.map.has(index)) this.map.evictOldest();
    this.map.set(index, entry);
  }

  /** The entry of `token`, without marking it used. */
  peek(token: string): CachedToken | undefined {
    const hit = this.map.get(indexOf(token));
    return hit !== undefined && hit.token === token ? hit : undefined;
  }

  /** Forgets `token` (and nothing else). */
  delete(token: string): void {
    const index = indexOf(token);
    if (this.map.get(index)?.token === token) this.map.delete(index);
  }

  /** Drops every entry whose key left its JWKS or whose token expired by `nowMs`. */
  sweep(nowMs: number): void {
    for (const [index, e] of this.map) {
      if (!e.key.alive || nowMs >= e.expMs + e.issuer.policy.toleranceMs) this.map.delete(index);
    }
  }
}
