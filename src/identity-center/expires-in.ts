/**
 * Defensive reading of `expiresIn`: RFC 6749 says seconds from now, but one AWS model example holds an
 * epoch value (PROTOCOL.md §1). The result is always a sane epoch-millisecond expiry or `undefined`.
 *
 * @module
 */

/** Values above this many seconds are read as an epoch time (year 2001 onwards), not a duration. */
const EPOCH_THRESHOLD_S = 1_000_000_000;
/** Longest lifetime believed, in milliseconds (12 h, the longest IdC session). */
export const MAX_TOKEN_LIFETIME_MS = 12 * 3_600_000;

/**
 * The expiry implied by `expiresIn`, in epoch milliseconds, clamped to at most 12 h from `now`; or
 * `undefined` when `expiresIn` is missing, not a finite positive number, or already in the past.
 *
 * @param expiresIn - The response field (seconds, or epoch seconds when > 10^9).
 * @param now - Epoch milliseconds.
 */
export function expiryFromExpiresIn(expiresIn: unknown, now: number): number | undefined {
  if (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn <= 0) return undefined;
  const at = expiresIn > EPOCH_THRESHOLD_S ? expiresIn * 1000 : now + expiresIn * 1000;
  if (at <= now) return undefined;
  return Math.min(at, now + MAX_TOKEN_LIFETIME_MS);
}
