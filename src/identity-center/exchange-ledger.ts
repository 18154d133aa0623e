/**
 * Remembers which JWTs were exchanged successfully, so the same JWT is never sent to
 * `CreateTokenWithIAM` twice (IdC rejects a reused `jti` with an unhelpful `InvalidGrantException`).
 * Entries are digests, kept until the JWT's own expiry, bounded (oldest dropped first).
 *
 * @module
 */
import { cacheKey } from '../cache/key.js';
import type { Clock } from '../cache/types.js';

/** The ledger; see {@link createExchangeLedger}. */
export interface ExchangeLedger {
  /** Marks the JWT as being exchanged; false when it already was. */
  claim(id: string, expiresAt: number | undefined): boolean;
  /** Undoes a claim after a failed exchange, so the same JWT may be tried again. */
  release(id: string): void;
}

/** Default lifetime of an entry whose JWT has no `exp`, in milliseconds (1 h, the IdC maximum). */
const NO_EXP_TTL_MS = 3_600_000;

/**
 * The ledger id of a JWT: a digest of (issuer, jti) when it has a `jti`, else of the token itself.
 *
 * @param issuer - Verified `iss`.
 * @param jti - The `jti` claim, if a string.
 * @param token - The compact JWT (only hashed).
 */
export function jwtLedgerId(issuer: string, jti: unknown, token: string): string {
  return typeof jti === 'string' && jti.length > 0
    ? cacheKey('jti', [issuer, jti])
    : cacheKey('jwt', [token]);
}

/**
 * Creates a ledger.
 *
 * @param maxEntries - Bound; default `100_000`.
 * @param clock - Epoch milliseconds; default `Date.now`.
 */
export function createExchangeLedger(maxEntries = 100_000, clock: Clock = Date.now): ExchangeLedger {
  const entries = new Map<string, number>();
  function live(id: string): boolean {
    const until = entries.get(id);
    if (until === undefined) return false;
    if (until <= clock()) {
      entries.delete(id);
      return false;
    }
    return true;
  }
  return {
    claim(id, expiresAt) {
      if (live(id)) return false;
      entries.set(id, expiresAt ?? clock() + NO_EXP_TTL_MS);
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
      return true;
    },
    release(id) {
      entries.delete(id);
    },
  };
}
