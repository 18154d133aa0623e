import type { KeyEntry } from './jwk.js';
import type { IssuerState } from './issuer-state.js';
import type { VerifiedJwt } from './types.js';

/** A verified token remembered under the SHA-256 digest of the whole token. */
export interface CachedToken {
  readonly result: VerifiedJwt;
  readonly expMs: number;
  readonly nbfMs: number | undefined;
  readonly key: KeyEntry;
  readonly issuer: IssuerState;
}

/**
 * A bounded least-recently-used map of verified tokens. The key is a digest of the whole token, so a
 * different token can never hit an entry; the token itself is never stored.
 */
export class TokenCache {
  private readonly map = new Map<string, CachedToken>();

  constructor(private readonly max: number) {}

  get size(): number {
    return this.map.size;
  }

  get(digest: string): CachedToken | undefined {
    const hit = this.map.get(digest);
    if (hit !== undefined) {
      // Re-insert to mark as most recently used (Map keeps insertion order).
      this.map.delete(digest);
      this.map.set(digest, hit);
    }
    return hit;
  }

  set(digest: string, entry: CachedToken): void {
    if (this.max === 0) return;
    this.map.delete(digest);
    if (this.map.size >= this.max) {
      const oldest = this.map.keys().next();
      if (oldest.done !== true) this.map.delete(oldest.value);
    }
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
